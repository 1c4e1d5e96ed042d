using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;

namespace MongoMigrate.Engine.Tests.ChangeStreams.Capture;

/// <summary>A sink that keeps copies of what capture hands it and lets a test wait for a number of events.</summary>
internal sealed class RecordingSink : IChangeEventSink
{
    private readonly Lock _lock = new();
    private readonly List<ChangeEvent> _events = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public List<ulong> SourceTimes { get; } = [];

    public int Batches { get; private set; }

    public IReadOnlyList<ChangeEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public ValueTask WriteAsync(ChangeStreamBatch batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Batches++;
            foreach (var document in batch.Events)
            {
                _events.Add(new ChangeEvent(new RawDocument(document.Span.ToArray())));
            }

            if (batch.SourceTime is { } time)
            {
                SourceTimes.Add(time);
            }

            foreach (var waiter in _waiters.Where(w => _events.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Completes once <paramref name="count"/> events arrived.</summary>
    public Task WaitForAsync(int count, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_events.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}
