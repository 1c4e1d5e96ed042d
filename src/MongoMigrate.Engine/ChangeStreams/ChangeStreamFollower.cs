using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ChangeStreams.Spool;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.ChangeStreams;

/// <summary>
/// An online job's following of the source: capture into the spool and apply from it, side by side, from
/// the recorded start or the last checkpoint. Capture depends on the source's history only while it runs;
/// apply can fall behind as far as the disk budget allows.
/// </summary>
public sealed class ChangeStreamFollower : IAsyncDisposable
{
    private readonly ChangeSpool _spool;
    private readonly TargetWriter _writer;
    private readonly ChangeApplier _applier;
    private readonly ChangeStreamCapture _capture;
    private readonly CancellationTokenSource _stop = new();
    private readonly ChangeStreamProgress _progress;
    private readonly FollowerSettings _settings;
    private readonly FollowedNamespaces _followed;

    private ChangeStreamFollower(FollowerSettings settings, ChangeSpool spool, TargetWriter writer, ChangeApplier applier, ChangeStreamCapture capture, ChangeStreamProgress progress, CapturePosition position, FollowedNamespaces followed)
    {
        _followed = followed;
        _settings = settings;
        _spool = spool;
        _writer = writer;
        _applier = applier;
        _capture = capture;
        _progress = progress;
        Completion = RunAsync(position);
    }

    /// <summary>Ends when following fails (capture or apply) or is stopped; faulted with the reason on failure.</summary>
    public Task Completion { get; }

    public ChangeStreamCheckpoint Checkpoint => _applier.Checkpoint;

    /// <summary>
    /// Takes the change stream's start from the source and stores it, before the copy reads anything; a job
    /// that already has one keeps it (a resumed copy must not skip the changes made while it was stopped).
    /// </summary>
    public static async Task<ChangeStreamCheckpoint> RecordStartAsync(IMongoClient source, IChangeStreamCheckpointStore store, string jobId, CancellationToken cancellationToken)
    {
        if (await store.GetChangeStreamCheckpointAsync(jobId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var start = await SourceClusterTime.ReadAsync(source, cancellationToken).ConfigureAwait(false);
        var checkpoint = new ChangeStreamCheckpoint { JobId = jobId, StartTime = start };
        await store.SaveChangeStreamCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        return checkpoint;
    }

    /// <summary>Starts following from the job's checkpoint (which <see cref="RecordStartAsync"/> must have stored).</summary>
    public static async Task<ChangeStreamFollower> StartAsync(FollowerSettings settings, CancellationToken cancellationToken)
    {
        var checkpoint = await settings.Checkpoints.GetChangeStreamCheckpointAsync(settings.JobId, cancellationToken).ConfigureAwait(false)
            ?? throw new MigrationException($"Job {settings.JobId} has no recorded change stream start; an online job records it before its copy starts, so this job cannot follow the source. Start it anew with --online.");
        var spool = await ChangeSpool.OpenAsync(settings.SpoolFolder, settings.DiskBudget, settings.Spool, checkpoint.Sequence, cancellationToken).ConfigureAwait(false);
        var position = spool.LastToken is { } last
            ? CapturePosition.AfterToken(last)
            : checkpoint.ResumeToken is { } token
                ? CapturePosition.AfterToken(new RawDocument(token))
                : CapturePosition.AtOperationTime(checkpoint.StartTime);
        var progress = new ChangeStreamProgress(settings.TimeProvider);
        progress.Checkpointed(checkpoint.Sequence, checkpoint.AppliedTime);
        progress.AddCaptured(0, spool.NextSequence);
        var pool = settings.Pools.GetOrCreateRestorePool(settings.JobId, settings.RestoreWorkers);
        var writer = new TargetWriter(settings.Source, settings.Target, settings.TimeProvider);
        var followed = new FollowedNamespaces(settings.Namespaces.Select(n => (n, settings.TargetOf(n))), settings.Selection, settings.LeftOut);
        var applier = new ChangeApplier(spool, writer, followed, pool, settings.Gate, settings.Checkpoints, checkpoint, progress, settings.Target, settings.Apply, settings.Observer);
        var capture = new ChangeStreamCapture(settings.Source, new ChangeStreamScope(settings.Namespaces, settings.Selection), new ProgressSink(spool, progress), settings.Capture, settings.TimeProvider);
        return new ChangeStreamFollower(settings, spool, writer, applier, capture, progress, position, followed);
    }

    /// <summary>Every collection followed (source, target): the planned ones and those that appeared on the source since.</summary>
    public IReadOnlyList<(NamespaceName Source, NamespaceName Target)> Collections => _followed.All;

    /// <summary>The counters, lag and rate right now.</summary>
    public ChangeStreamProgressSnapshot Progress => _progress.Snapshot(_spool.Bytes, _writer.Refreshes);

    /// <summary>The lanes' peak concurrency starts again from now.</summary>
    public void ResetPeakLanes() => _progress.ResetPeak();

    /// <summary>The collection's copy is finished (its reads done by the source's <paramref name="copiedAt"/>, 0 when not known): its held-back changes are applied now.</summary>
    public void MarkReady(NamespaceName source, ulong copiedAt = 0) => _settings.Gate.MarkReady(source, copiedAt);

    /// <summary>Completes once every change up to the source's <paramref name="clusterTime"/> is durably applied; faults if following fails first.</summary>
    public async Task WaitForAppliedAsync(ulong clusterTime, CancellationToken cancellationToken)
    {
        var reached = _applier.WaitForAppliedAsync(clusterTime, cancellationToken);
        var first = await Task.WhenAny(reached, Completion).ConfigureAwait(false);
        if (first == Completion && !reached.IsCompleted)
        {
            await Completion.ConfigureAwait(false);
            throw new MigrationException("Following the source stopped before the changes were applied.");
        }

        await reached.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads these documents from the source by _id and replaces the target's with them (or deletes them where the source
    /// has none): the repair of documents a recheck found different once their changes were applied.
    /// </summary>
    public Task RefreshAsync(IReadOnlyList<(NamespaceName Source, NamespaceName Target, RawBsonValue Id)> documents, CancellationToken cancellationToken) =>
        _writer.ApplyAsync([.. documents.Select(d => new ApplyOperation(d.Source, d.Target, d.Id, ApplyOperationKind.Refresh, RawDocument.Empty, 0))], cancellationToken);

    /// <summary>Stops capture and apply (what is applied stays checkpointed) and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }
    }

    /// <summary>Stops following and closes the spool; a failure is not thrown again here (it is in <see cref="Completion"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is MigrationException or MongoException or IOException)
        {
            // Already reported through Completion to whoever awaits it.
        }

        await _spool.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CapturePosition position)
    {
        await Task.Yield();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var capture = _capture.RunAsync(position, failed.Token);
        var apply = _applier.RunAsync(failed.Token);
        var first = await Task.WhenAny(capture, apply).ConfigureAwait(false);
        await failed.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(capture, apply).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!first.IsFaulted)
        {
            // Stopped.
        }

        await first.ConfigureAwait(false);
    }
}
