using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ChangeStreams.Spool;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Applies the spool to the target: reads it from the checkpoint on, deals document changes to lanes by a
/// hash of (namespace, _id), holds back the changes of collections whose copy is not finished (and deals
/// them, in order, once it is), applies DDL at a barrier, and saves the checkpoint as lanes finish. After a
/// crash it starts again at the checkpoint: the changes after it are applied again, which, each write being
/// idempotent and each key's writes in order, ends in the same documents.
/// </summary>
public sealed class ChangeApplier
{
    private readonly ChangeSpool _spool;
    private readonly TargetWriter _writer;
    private readonly DdlApplier _ddl;
    private readonly WorkerPoolManager _pool;
    private readonly NamespaceGate _gate;
    private readonly FollowedNamespaces _followed;
    private readonly IChangeStreamCheckpointStore _store;
    private readonly ApplyOptions _options;
    private readonly ChangeStreamProgress _progress;
    private readonly IDocumentChangeObserver? _observer;
    private readonly ApplyLane[] _lanes;
    private readonly CheckpointLedger _ledger = new();
    private readonly WakeSignal _laneApplied = new();
    private readonly WakeSignal _drained = new();
    private readonly Dictionary<NamespaceName, long> _waiting = [];
    private readonly Lock _checkpointLock = new();
    private readonly List<(ulong Time, TaskCompletionSource Reached)> _timeWaiters = [];
    private ChangeStreamCheckpoint _checkpoint;

    public ChangeApplier(
        ChangeSpool spool,
        TargetWriter writer,
        FollowedNamespaces followed,
        WorkerPoolManager restorePool,
        NamespaceGate gate,
        IChangeStreamCheckpointStore store,
        ChangeStreamCheckpoint checkpoint,
        ChangeStreamProgress progress,
        MongoDB.Driver.IMongoClient target,
        ApplyOptions? options = null,
        IDocumentChangeObserver? observer = null)
    {
        _observer = observer;
        _spool = spool;
        _writer = writer;
        _followed = followed;
        _pool = restorePool;
        _gate = gate;
        _store = store;
        _checkpoint = checkpoint;
        _progress = progress;
        _ddl = new DdlApplier(target, followed, gate);
        _options = options ?? new ApplyOptions();
        _options.Validate();
        _lanes = [.. Enumerable.Range(0, _options.LaneCount).Select(i => new ApplyLane(i, _options))];
    }

    /// <summary>The last checkpoint saved.</summary>
    public ChangeStreamCheckpoint Checkpoint
    {
        get
        {
            lock (_checkpointLock)
            {
                return _checkpoint;
            }
        }
    }

    /// <summary>Applies until cancelled or a change cannot be applied (<see cref="ChangeStreamStoppedException"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = _lanes.Select(lane => lane.RunAsync(_writer, _pool, _progress, OnLaneApplied, stop.Token)).ToList();
        tasks.Add(DispatchAsync(stop.Token));
        tasks.Add(CheckpointAsync(stop.Token));
        var first = await Task.WhenAny(tasks).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!first.IsFaulted)
        {
            // Everything stopped because it was asked to.
        }

        // The task that ended first holds the reason (a failure rather than the cancellations it caused).
        await first.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Completes once every change up to <paramref name="clusterTime"/> is durably applied (as far as the source has shown it).</summary>
    public Task WaitForAppliedAsync(ulong clusterTime, CancellationToken cancellationToken)
    {
        lock (_checkpointLock)
        {
            if (_checkpoint.AppliedTime >= clusterTime)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timeWaiters.Add((clusterTime, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    private void OnLaneApplied()
    {
        _laneApplied.Set();
        _drained.Set();
    }

    private async Task DispatchAsync(CancellationToken cancellationToken)
    {
        using var reader = _spool.OpenReader(_checkpoint.Sequence);
        var sinceProposal = 0;
        (RawDocument Token, ulong Time)? last = null;
        while (true)
        {
            await CatchUpReadyAsync(reader.NextSequence, cancellationToken).ConfigureAwait(false);
            var record = await reader.TryReadAsync(cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                if (last is { } position && sinceProposal > 0)
                {
                    Propose(reader.NextSequence, position.Token, position.Time);
                    sinceProposal = 0;
                }

                var gateChanged = _gate.Changed;
                await Task.WhenAny(_spool.WaitForRecordAsync(reader.NextSequence, cancellationToken), gateChanged).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            var time = await DispatchRecordAsync(record, waitingOnly: null, cancellationToken).ConfigureAwait(false);
            last = (record.Token, time);
            if (++sinceProposal >= _options.CheckpointEveryRecords)
            {
                Propose(reader.NextSequence, record.Token, time);
                sinceProposal = 0;
            }
        }
    }

    /// <summary>Deals one record; returns its cluster time. In a catch-up (<paramref name="waitingOnly"/> set) only that collection's changes are dealt.</summary>
    private async Task<ulong> DispatchRecordAsync(SpoolRecord record, NamespaceName? waitingOnly, CancellationToken cancellationToken)
    {
        if (record.Kind == SpoolRecordKind.Progress)
        {
            return ResumeTokens.ClusterTimeOf(record.Payload) ?? 0;
        }

        var change = new ChangeEvent(record.Payload);
        var time = change.ClusterTime;
        var ns = change.Namespace ?? default;
        if (waitingOnly is { } only)
        {
            if (ns != only)
            {
                return time;
            }
        }
        else if (ns.Collection.Length > 0 && !_followed.IsFollowed(ns) && !Admit(change, ns))
        {
            return time;
        }
        else if (ns.Collection.Length > 0 && (_waiting.ContainsKey(ns) || !_gate.IsReady(ns)))
        {
            _waiting.TryAdd(ns, record.Sequence);
            if (change.OperationType == "rename" && change.RenameTarget is { } to && _followed.Takes(to))
            {
                // Renamed before its copy is done: the new name's changes wait for the rename, applied after the copy.
                _followed.Follow(to, time);
            }

            return time;
        }

        if (change.IsDocumentEvent)
        {
            if (EventTranslation.Translate(change, _followed.TargetOf(ns)) is { } operation)
            {
                _observer?.Changed(ns, operation.Id);
                var lane = _lanes[(int)((uint)HashCode.Combine(operation.Target, operation.Id) % (uint)_lanes.Length)];
                await lane.DealAsync(operation, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            if (change.OperationType == "rename" && change.RenameTarget is { } renamedTo && time != 0 && time <= _gate.CopiedAt(ns))
            {
                // The copy may have read after the rename (an empty or another collection under the old name).
                throw new ChangeStreamStoppedException(
                    "rename",
                    ns,
                    time,
                    $"it was renamed to {renamedTo} while its copy read it, so the copy may lack documents. Start the online migration anew to copy it under its new name.");
            }

            await BarrierAsync(cancellationToken).ConfigureAwait(false);
            await _ddl.ApplyAsync(change, _followed.TargetOf(ns), cancellationToken).ConfigureAwait(false);
        }

        return time;
    }

    /// <summary>
    /// A change on a collection not followed yet: one the selection takes is followed from its first change on (created
    /// after the job started: every change it had is in the stream), with nothing to wait for; views and time-series
    /// collections are left out, as discovery leaves them out; a collection renamed into the selection from outside
    /// stops following (its documents were never copied). Returns whether the change is applied.
    /// </summary>
    private bool Admit(ChangeEvent change, NamespaceName ns)
    {
        if (!_followed.Takes(ns))
        {
            if (change.OperationType == "rename" && change.RenameTarget is { } to && _followed.Takes(to))
            {
                throw new ChangeStreamStoppedException(
                    "rename",
                    ns,
                    change.ClusterTime,
                    $"it moved into the job's selection as {to}, whose documents the job never copied. Start the online migration anew to copy it (or exclude {to}).");
            }

            return false;
        }

        if (DdlApplier.CreatesViewOrTimeSeries(change))
        {
            _followed.LeaveOut(ns);
            return false;
        }

        _followed.Follow(ns, change.ClusterTime);
        _gate.MarkReady(ns);
        return true;
    }

    /// <summary>Deals, in spool order, the held-back changes of every collection that became ready.</summary>
    private async Task CatchUpReadyAsync(long upTo, CancellationToken cancellationToken)
    {
        var ready = _waiting.Where(w => _gate.IsReady(w.Key)).OrderBy(w => w.Value).ToList();
        foreach (var (ns, from) in ready)
        {
            using var reader = _spool.OpenReader(from);
            while (reader.NextSequence < upTo && await reader.TryReadAsync(cancellationToken).ConfigureAwait(false) is { } record && record.Sequence < upTo)
            {
                await DispatchRecordAsync(record, ns, cancellationToken).ConfigureAwait(false);
            }

            _waiting.Remove(ns);
        }

        if (ready.Count > 0)
        {
            _ledger.CaughtUp([.. _lanes.Select(l => l.Dealt)], WaitingBefore());
            _laneApplied.Set();
        }
    }

    private long WaitingBefore() => _waiting.Count == 0 ? long.MaxValue : _waiting.Values.Min();

    private void Propose(long sequence, RawDocument token, ulong time)
    {
        _ledger.Propose(sequence, token, time, [.. _lanes.Select(l => l.Dealt)], WaitingBefore());
        _laneApplied.Set();
    }

    /// <summary>Waits until every change dealt so far is applied.</summary>
    private async Task BarrierAsync(CancellationToken cancellationToken)
    {
        while (_lanes.Any(l => l.Applied < l.Dealt))
        {
            await _drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _laneApplied.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_ledger.TakeReached(lane => _lanes[lane].Applied) is not { } reached)
            {
                continue;
            }

            var checkpoint = Checkpoint with
            {
                Sequence = reached.Sequence,
                ResumeToken = reached.Token.Span.ToArray(),
                AppliedTime = Math.Max(reached.ClusterTime, Checkpoint.AppliedTime),
            };
            await _store.SaveChangeStreamCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            _spool.DeleteBefore(checkpoint.Sequence);
            _progress.Checkpointed(checkpoint.Sequence, checkpoint.AppliedTime);
            List<TaskCompletionSource> wake;
            lock (_checkpointLock)
            {
                _checkpoint = checkpoint;
                wake = [.. _timeWaiters.Where(w => w.Time <= checkpoint.AppliedTime).Select(w => w.Reached)];
                _timeWaiters.RemoveAll(w => w.Time <= checkpoint.AppliedTime);
            }

            foreach (var waiter in wake)
            {
                waiter.TrySetResult();
            }
        }
    }
}
