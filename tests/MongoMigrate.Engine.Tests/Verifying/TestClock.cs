using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Tests.Verifying;

/// <summary>A following that the test moves: it says how far changes are applied, and what time the source is at.</summary>
internal sealed class TestClock : IAppliedClock
{
    private readonly Lock _lock = new();
    private readonly List<(ulong Time, TaskCompletionSource Reached)> _waiters = [];
    private ulong _applied;

    public ulong AppliedTime
    {
        get
        {
            lock (_lock)
            {
                return _applied;
            }
        }
    }

    public ulong SourceTime { get; set; }

    /// <summary>Everything up to <paramref name="time"/> is applied now; the source is at least there.</summary>
    public void Apply(ulong time)
    {
        List<TaskCompletionSource> reached;
        lock (_lock)
        {
            _applied = Math.Max(_applied, time);
            SourceTime = Math.Max(SourceTime, time);
            reached = [.. _waiters.Where(w => w.Time <= _applied).Select(w => w.Reached)];
            _waiters.RemoveAll(w => w.Time <= _applied);
        }

        reached.ForEach(r => r.TrySetResult());
    }

    public Task WaitForAppliedAsync(ulong clusterTime, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_applied >= clusterTime)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((clusterTime, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    public Task<ulong> SourceTimeAsync(CancellationToken cancellationToken) => Task.FromResult(SourceTime);
}
