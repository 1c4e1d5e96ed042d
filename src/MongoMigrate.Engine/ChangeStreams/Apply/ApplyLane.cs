using System.Threading.Channels;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// One queue of changes, applied in the order dealt: the keys hashed to it keep their order, other lanes run
/// beside it. A batch holds each key once (a later whole-state write of a key replaces an earlier one in
/// the batch; a later update waits for the next batch), and is written under a slot of the restore pool.
/// </summary>
internal sealed class ApplyLane
{
    private readonly Channel<ApplyOperation> _queue;
    private readonly ApplyOptions _options;
    private long _dealt;
    private long _applied;

    public ApplyLane(int index, ApplyOptions options)
    {
        Index = index;
        _options = options;
        _queue = Channel.CreateBounded<ApplyOperation>(new BoundedChannelOptions(options.LaneCapacity) { SingleReader = true, SingleWriter = true });
    }

    public int Index { get; }

    /// <summary>Changes dealt to this lane (written by the dispatcher only).</summary>
    public long Dealt => Interlocked.Read(ref _dealt);

    /// <summary>Changes this lane has applied (and the target acknowledged).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    public async ValueTask DealAsync(ApplyOperation operation, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(operation, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _dealt);
    }

    public async Task RunAsync(TargetWriter writer, WorkerPoolManager pool, ChangeStreamProgress progress, Action applied, CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        ApplyOperation? carried = null;
        var batch = new List<ApplyOperation>();
        var positions = new Dictionary<(NamespaceName, RawBsonValue), int>();
        while (carried is not null || await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            positions.Clear();
            var consumed = 0;
            var bytes = 0L;
            if (carried is { } first)
            {
                positions[(first.Target, first.Id)] = 0;
                batch.Add(first);
                consumed = 1;
                bytes = first.Size;
                carried = null;
            }

            while (batch.Count < _options.MaxBatchOperations && bytes < _options.MaxBatchBytes && reader.TryRead(out var next))
            {
                if (positions.TryGetValue((next.Target, next.Id), out var at))
                {
                    if (!next.IsWholeState)
                    {
                        carried = next;
                        break;
                    }

                    batch[at] = next;
                }
                else
                {
                    positions[(next.Target, next.Id)] = batch.Count;
                    batch.Add(next);
                }

                consumed++;
                bytes += next.Size;
            }

            using (await pool.AcquireAsync(0, cancellationToken).ConfigureAwait(false))
            {
                var workerId = pool.NextWorkerId();
                pool.RegisterWorker("change-stream", workerId, $"lane {Index}", cancellationToken);
                progress.LaneStarted();
                var outcome = WorkerOutcome.Failed;
                try
                {
                    await writer.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
                    outcome = WorkerOutcome.Succeeded;
                }
                finally
                {
                    progress.LaneStopped();
                    pool.MarkWorkerCompleted(workerId, outcome);
                }
            }

            if (_options.Rechecks is { } rechecks)
            {
                await rechecks.EnqueueAsync([.. batch.Select(RecheckKeyOf)], cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Add(ref _applied, consumed);
            progress.AddApplied(consumed);
            applied();
        }
    }

    public void Complete() => _queue.Writer.TryComplete();

    private static RecheckKey RecheckKeyOf(ApplyOperation operation) =>
        new(operation.Source.FullName, new BsonBuilder().StartDocument().Value("_id", operation.Id).End().ToArray(), operation.ClusterTime);
}
