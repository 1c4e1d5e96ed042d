using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Runs one migration job: discovers and plans the collections, creates them on the target, copies every
/// collection through the job's shared dump and restore pools (largest first), builds the remaining
/// indexes, verifies, and records every step so that an interrupted job resumes where it stopped.
/// </summary>
public sealed class MigrationJob : IRunningJob, IOnlineJob
{
    private readonly MongoEndpoint _source;
    private readonly MongoEndpoint _target;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<OnlineFollowing?> _onlineStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MigrationOptions _options;
    private OnlineFollowing? _online;

    // When a resumed job had completed before: it is then verified again, not shown with its old proof.
    private DateTimeOffset? _completedAt;

    public MigrationJob(MongoEndpoint source, MongoEndpoint target, MigrationOptions options, WorkerPoolCoordinator coordinator, ILoggerFactory loggers, TimeProvider? timeProvider = null)
    {
        options.Validate();
        _source = source;
        _target = target;
        _options = options;
        _coordinator = coordinator;
        _loggers = loggers;
        _logger = loggers.CreateLogger("MongoMigrate.Job");
        _time = timeProvider ?? TimeProvider.System;
        JobId = options.JobId ?? NewJobId(_time);
        Progress = new JobProgress(_time);
        JobDirectory = JobFolder.Of(options.WorkDirectory, JobId);
        Steering = new JobSteering(coordinator, JobId, new PoolSettings(options.DumpWorkers, options.RestoreWorkers, options.InsertionWorkers), logger: _logger);
    }

    public string JobId { get; }

    public string JobDirectory { get; }

    /// <summary>The source as given (with its credentials): for a verifier started beside the job, never to show.</summary>
    public MongoEndpoint Source => _source;

    /// <summary>The target as given (with its credentials): for a verifier started beside the job, never to show.</summary>
    public MongoEndpoint Target => _target;

    public JobProgress Progress { get; }

    /// <summary>The options the job runs with: as given, or for a resumed job merged with its stored settings once <see cref="Started"/> completes.</summary>
    public MigrationOptions Options => Volatile.Read(ref _options);

    /// <summary>Completes when the job's settings are final and its pools exist (before any collection is copied).</summary>
    public Task Started => _started.Task;

    /// <summary>The job's pools as they are now (max, active, waiting, workers), or null before they exist.</summary>
    public JobWorkerPoolsSnapshot? Pools => _coordinator.GetJobSnapshot(JobId);

    /// <summary>Worker counts and pause, live; a resumed job comes back with the counts it last ran with (never a pause's zero).</summary>
    public JobSteering Steering { get; }

    public bool IsOnline => Options.Online;

    public ChangeStreamProgressSnapshot? Following => Volatile.Read(ref _online)?.Progress;

    /// <inheritdoc/>
    public Verifying.RecheckStatus? Rechecks => Volatile.Read(ref _online)?.Rechecks;

    /// <summary>
    /// Asks an online job to cut over (from the live display's key, the `cutover` command, or an API); asked during the
    /// copy, it waits for the copy to end. Completes with the result: cut over at T, or why not.
    /// </summary>
    public async Task<CutoverResult> RequestCutoverAsync(CutoverRequest request, CancellationToken cancellationToken)
    {
        await Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!Options.Online)
        {
            return new CutoverResult { CutOver = false, Message = $"not cut over: job {JobId} is not an online job (it was started without --online); it ends when its copy ends." };
        }

        var online = await _onlineStarted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return online is null
            ? new CutoverResult { CutOver = false, Message = $"not cut over: job {JobId} ended before it could follow the source; see its errors with mongomigrate jobs." }
            : await online.RequestCutoverAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the job's state; tests wrap the store to crash it between two changes.</summary>
    internal Func<string, CancellationToken, Task<IJobStateStore>>? StateStoreFactory { get; init; }

    /// <summary>Changes the target client's settings before it connects; tests watch its commands.</summary>
    internal Action<MongoClientSettings>? ConfigureTarget { get; init; }

    /// <summary>The disk of the work folder; tests replace it to fill the disk.</summary>
    internal IChunkFileSystem? FileSystem { get; init; }

    /// <summary>An online job applies the collection's changes from now on; copied by this run, after reading when its copy ended.</summary>
    private Task MarkCopiedAsync(Namespaces.NamespaceName source, bool copiedNow, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _online) is not { } online)
        {
            return Task.CompletedTask;
        }

        if (!copiedNow)
        {
            online.MarkReady(source);
            return Task.CompletedTask;
        }

        return online.MarkCopiedAsync(source, cancellationToken);
    }

    public async Task<MigrationSummary> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var statePath = JobFolder.StatePath(JobDirectory);
            if (_options.Resume && !File.Exists(statePath))
            {
                throw new MigrationException($"There is no job {JobId} in {_options.WorkDirectory} to resume: check --job-id and --work-dir (mongomigrate jobs lists them).");
            }

            using var jobLock = JobLock.Acquire(JobDirectory, JobId, _time);
            var state = StateStoreFactory is { } open
                ? await open(statePath, cancellationToken).ConfigureAwait(false)
                : await SqliteJobStateStore.OpenAsync(statePath, _time, cancellationToken).ConfigureAwait(false);
            await using (state.ConfigureAwait(false))
            {
                try
                {
                    return await RunWithStateAsync(state, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await Steering.DetachStoreAsync().ConfigureAwait(false);
                    _coordinator.CleanupJob(JobId);
                }
            }
        }
        finally
        {
            // Whoever waits for the start must not wait forever on a job that could not start.
            _started.TrySetResult();
            _onlineStarted.TrySetResult(null);
        }
    }

    private async Task<MigrationSummary> RunWithStateAsync(IJobStateStore state, CancellationToken cancellationToken)
    {
        var existing = await state.GetJobAsync(JobId, cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunRecordedAsync(state, existing, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && existing is not null)
        {
            // Stopped while a resumed job was still connecting: nothing moved, and the job stays resumable as it was.
            await state.UpdateJobAsync(JobId, JobStatus.Stopped, "stopped by the user", CancellationToken.None).ConfigureAwait(false);
            Progress.Phase = "stopped";
            return Summary(JobStatus.Stopped, [], [], resumed: true, StoppedReason);
        }
    }

    private string StoppedReason =>
        $"Stopped; finished chunks are kept. Carry on with: mongomigrate migrate --resume --job-id {JobId} --work-dir {_options.WorkDirectory} (and the same --source and --target).";

    private async Task<MigrationSummary> RunRecordedAsync(IJobStateStore state, JobRecord? existing, CancellationToken cancellationToken)
    {
        if (existing is not null && !_options.Resume)
        {
            throw new MigrationException($"Job {JobId} already exists in {_options.WorkDirectory}: pass --resume to carry it on, or choose another --job-id.");
        }

        if (existing is null && _options.Resume)
        {
            throw new MigrationException($"There is no job {JobId} in {_options.WorkDirectory} to resume: check --job-id and --work-dir (mongomigrate jobs lists them).");
        }

        if (existing is not null)
        {
            await AdoptStoredSettingsAsync(state, existing, cancellationToken).ConfigureAwait(false);
            _completedAt = existing.Status == JobStatus.Completed ? existing.UpdatedAt : null;
            if (_options.Online && existing.Status == JobStatus.Completed)
            {
                throw new MigrationException($"Job {JobId} is an online job that was cut over already; there is nothing to resume. Compare the two sides with mongomigrate verify, or start a new job.");
            }
        }

        using var sourceClient = new MongoClient(_source.CreateSettings(_options.ConnectTimeout));
        var targetSettings = _target.CreateSettings(_options.ConnectTimeout);
        ConfigureTarget?.Invoke(targetSettings);
        using var targetClient = new MongoClient(targetSettings);
        Progress.Phase = "connecting";
        // Both at once; when both fail, awaiting the pair throws the source's error, the first.
        await Task.WhenAll(
            ConnectionProbe.CheckAsync(sourceClient, _source, _options.ConnectTimeout, cancellationToken),
            ConnectionProbe.CheckAsync(targetClient, _target, _options.ConnectTimeout, cancellationToken)).ConfigureAwait(false);
        _logger.LogDebug("Both servers answer");

        // Who the two deployments are, whatever their URIs say: one deployment must never be written where it is read.
        // Reads only, so retried like every other read on a transient error (a connection dropped meanwhile).
        var retry = RetryPolicy.Create(_time, firstDelay: _options.RetryDelay, onRetry: (e, attempt) => _logger.LogInformation("Retrying after a transient error (attempt {Attempt}): {Reason}", attempt, ErrorDescription.Of(e)));
        var identities = await Task.WhenAll(
            retry.ExecuteAsync(async token => await DeploymentIdentity.ReadAsync(sourceClient, token).ConfigureAwait(false), cancellationToken).AsTask(),
            retry.ExecuteAsync(async token => await DeploymentIdentity.ReadAsync(targetClient, token).ConfigureAwait(false), cancellationToken).AsTask()).ConfigureAwait(false);
        var sameDeployment = identities[0].SameDeploymentAs(identities[1]);

        // The pools exist from the start, so a display shows them and a resize before the first chunk sticks.
        Steering.OpenPools();
        using var chunkFileReaders = _coordinator.GetOrCreateRestorePool(JobId, _options.RestoreWorkers).CreateFollower();
        var chunkFiles = new ChunkFiles(JobDirectory, FileSystem ?? LocalChunkFileSystem.Instance);
        var context = new MigrationContext
        {
            JobId = JobId,
            Options = _options,
            Source = sourceClient,
            Target = targetClient,
            Coordinator = _coordinator,
            State = state,
            Progress = Progress,
            DiskBudget = new DiskBudget(DiskBudgetFor(chunkFiles)),
            ChunkFiles = chunkFiles,
            ChunkFileReaders = chunkFileReaders,
            Retry = retry,
            Logger = _logger,
            TimeProvider = _time,
            CollectionCopied = MarkCopiedAsync,
            Steering = Steering,
        };

        _started.TrySetResult();

        var setup = new JobSetup(context, _source, _target);
        var created = existing is not null;
        IReadOnlyList<PlannedCollection> collections = [];
        IReadOnlyList<Discovery.SkippedNamespace> skipped = [];
        IReadOnlyDictionary<string, (long Documents, long Bytes)> before = new Dictionary<string, (long, long)>();
        using var metadataGate = new SemaphoreSlim(CollectionMigration.MetadataConcurrency(_options));
        try
        {
            Progress.Phase = "discovering";
            ulong? onlineStart = null;
            if (existing is null)
            {
                if (_options.Online)
                {
                    // Before discovery: a collection created after it is then one whose every change the stream shows.
                    onlineStart = await ChangeStreams.Capture.SourceClusterTime.ReadAsync(sourceClient, cancellationToken).ConfigureAwait(false);
                }

                (collections, skipped) = await setup.StartNewAsync(sameDeployment, cancellationToken).ConfigureAwait(false);
                created = true;
            }
            else
            {
                collections = await setup.ReloadAsync(sameDeployment, existing.Status == JobStatus.Completed, cancellationToken).ConfigureAwait(false);
                await setup.SweepChunkFilesAsync(collections, cancellationToken).ConfigureAwait(false);
            }

            _logger.LogDebug("{Count} collection(s) to go through", collections.Count);
            await Steering.AttachStoreAsync((settings, token) => state.SavePoolSettingsAsync(JobId, settings, token)).ConfigureAwait(false);
            before = await setup.RestoredTotalsAsync(cancellationToken).ConfigureAwait(false);
            if (_options.Online)
            {
                // Before the first document is read: every change from here on is followed.
                Volatile.Write(ref _online, await OnlineFollowing.StartAsync(OnlineSettingsFor(context, collections, skipped, onlineStart), cancellationToken).ConfigureAwait(false));
                _onlineStarted.TrySetResult(_online);
            }

            Progress.Phase = "copying";
            var migration = new CollectionMigration(context, metadataGate, _completedAt);
            var tasks = collections.OrderByDescending(c => c.Collection.EstimatedBytes)
                .Select(c => migration.RunAsync(c, before.GetValueOrDefault(c.Record.SourceNamespace), cancellationToken))
                .ToList();
            var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
            if (_online is not { } online || outcomes.Any(o => o.Status == CollectionStatus.Failed))
            {
                return await FinishAsync(state, outcomes, skipped, existing is not null).ConfigureAwait(false);
            }

            try
            {
                var cutover = await online.FollowUntilCutOverAsync(cancellationToken).ConfigureAwait(false);
                await state.UpdateJobAsync(JobId, JobStatus.Completed, null, CancellationToken.None).ConfigureAwait(false);
                return Summary(JobStatus.Completed, outcomes, skipped, existing is not null, null) with { Cutover = cutover, Rechecks = cutover.Rechecks };
            }
            catch (Exception e) when (e is MigrationException or MongoException && !cancellationToken.IsCancellationRequested)
            {
                var reason = e is ChangeStreams.Capture.ChangeStreamHistoryLostException lost
                    ? $"Following the source stopped: {lost.Message}"
                    : e is ChangeStreams.Apply.ChangeStreamStoppedException stopped
                    ? stopped.Message
                    : $"Following the source stopped: {ErrorDescription.Of(e)}. Fix the cause and carry on with: mongomigrate migrate --resume --job-id {JobId} --work-dir {_options.WorkDirectory}.";
                await state.UpdateJobAsync(JobId, JobStatus.Failed, reason, CancellationToken.None).ConfigureAwait(false);
                Progress.Phase = "failed";
                return Summary(JobStatus.Failed, outcomes, skipped, existing is not null, reason) with { Rechecks = online.Rechecks };
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && created)
        {
            await state.UpdateJobAsync(JobId, JobStatus.Stopped, "stopped by the user", CancellationToken.None).ConfigureAwait(false);
            Progress.Phase = "stopped";
            var outcomes = await new CollectionMigration(context, metadataGate, _completedAt).OutcomesFromStateAsync(state, collections, before).ConfigureAwait(false);
            return Summary(
                JobStatus.Stopped,
                outcomes,
                skipped,
                existing is not null,
                StoppedReason);
        }
        finally
        {
            if (Interlocked.Exchange(ref _online, null) is { } online)
            {
                await online.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<MigrationSummary> FinishAsync(IJobStateStore state, IReadOnlyList<CollectionOutcome> outcomes, IReadOnlyList<Discovery.SkippedNamespace> skipped, bool resumed)
    {
        var failed = outcomes.Where(o => o.Status == CollectionStatus.Failed).ToList();
        var status = failed.Count == 0 ? JobStatus.Completed : JobStatus.Failed;
        var reason = failed.Count == 0 ? null
            : $"{failed.Count} collection(s) failed ({string.Join("; ", failed.Select(f => $"{f.Source}: {f.Error}"))}). "
              + $"Fix the cause and run again with: mongomigrate migrate --resume --job-id {JobId} --work-dir {_options.WorkDirectory} (finished chunks are kept; failed ones get fresh attempts).";
        await state.UpdateJobAsync(JobId, status, reason, CancellationToken.None).ConfigureAwait(false);
        Progress.Phase = "done";
        return Summary(status, outcomes, skipped, resumed, reason);
    }

    private MigrationSummary Summary(JobStatus status, IReadOnlyList<CollectionOutcome> outcomes, IReadOnlyList<Discovery.SkippedNamespace> skipped, bool resumed, string? reason) => new()
    {
        CompletedAt = _completedAt,
        VerifiedAgain = _completedAt is null ? null : _options.Verify,
        VerifySample = _options.Verify ? _options.VerifySample : 1,
        JobId = JobId,
        Status = status,
        Elapsed = Progress.Elapsed,
        Collections = outcomes,
        Skipped = skipped,
        Resumed = resumed,
        Reason = reason,
    };

    private OnlineSettings OnlineSettingsFor(MigrationContext context, IReadOnlyList<PlannedCollection> collections, IReadOnlyList<Discovery.SkippedNamespace> skipped, ulong? start) => new()
    {
        JobId = JobId,
        Source = context.Source,
        Target = context.Target,
        Collections = [.. collections.Select(c => (c.Collection.Namespace, c.Target))],
        Selection = _options.Selection,
        LeftOut = [.. skipped.Select(s => s.Namespace)],
        StartTime = start,
        Store = context.State as IChangeStreamCheckpointStore
            ?? throw new MigrationException("This job state cannot hold a change stream checkpoint, which an online job needs."),
        JobDirectory = JobDirectory,
        Pools = _coordinator,
        RestoreWorkers = _options.RestoreWorkers,
        DiskBudget = context.DiskBudget,
        Progress = Progress,
        Logger = _logger,
        TimeProvider = _time,
        DumpWorkers = _options.DumpWorkers,
        Rechecks = _options.Verify && context.State is SqliteJobStateStore sqlite ? sqlite.Rechecks : null,
        VerifySample = _options.VerifySample,
        CopiedRanges = async (ns, token) => [.. (await context.State.GetChunksAsync(JobId, ns.FullName, token).ConfigureAwait(false)).Select(c => new RawDocument(c.Filter))],
    };

    /// <summary>The configured budget, lowered to what the disk can hold now: dumps then wait for restores instead of filling the disk.</summary>
    private long DiskBudgetFor(ChunkFiles files)
    {
        if (_options.Method != CopyMethod.DumpRestore)
        {
            return _options.DiskBudgetBytes;
        }

        var free = files.AvailableBytes();
        var room = Math.Max(_options.ChunkSizeBytes, free / 10 * 9);
        if (room >= _options.DiskBudgetBytes)
        {
            return _options.DiskBudgetBytes;
        }

        _logger.LogWarning(
            "The work folder has {Free} MB free, less than the disk budget of {Budget} MB: at most {Room} MB of chunk files will wait for restore at a time",
            free / (1024 * 1024),
            _options.DiskBudgetBytes / (1024 * 1024),
            room / (1024 * 1024));
        return room;
    }

    /// <summary>Checks a resumed run is given the job's own deployments, and takes the job's settings where the run gives none.</summary>
    private async Task AdoptStoredSettingsAsync(IJobStateStore state, JobRecord job, CancellationToken cancellationToken)
    {
        var stored = JobDefinition.FromJson(job.DefinitionJson);
        if (!SameDeployment(stored.Source, _source.Display) || !SameDeployment(stored.Target, _target.Display))
        {
            throw new MigrationException(
                $"Job {JobId} copies {stored.Source} to {stored.Target}, but this run was given {_source.Display} and {_target.Display}. Give the job's own --source and --target to resume it.");
        }

        var given = _options.Selection.ToString();
        if (given.Length > 0 && !string.Equals(given, stored.Selection, StringComparison.Ordinal))
        {
            throw new MigrationException(
                $"Job {JobId} was started with the selection '{(stored.Selection.Length == 0 ? "(everything)" : stored.Selection)}'; a resumed job keeps it. Leave out --include, --exclude, --from and --to, or start a new job.");
        }

        var pools = await state.GetPoolSettingsAsync(JobId, cancellationToken).ConfigureAwait(false);
        var merged = ResumeSettings.Merge(_options, stored, pools);
        merged.Validate();
        Volatile.Write(ref _options, merged);
        Steering.Remember(new PoolSettings(merged.DumpWorkers, merged.RestoreWorkers, merged.InsertionWorkers));

        _logger.LogInformation(
            "Resuming job {JobId} ({Status}): {Method}, {Dump} dump, {Restore} restore and {Insertion} insertion workers",
            JobId,
            job.Status,
            merged.Method,
            merged.DumpWorkers,
            merged.RestoreWorkers,
            merged.InsertionWorkers);
    }

    /// <summary>Hosts and options must match; the password (redacted anyway) may differ, e.g. after a rotation.</summary>
    private static bool SameDeployment(string stored, string given) => string.Equals(stored, given, StringComparison.Ordinal);

    private static string NewJobId(TimeProvider time) =>
        $"job-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
}
