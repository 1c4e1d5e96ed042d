using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpRestore;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Jobs;

/// <summary>
/// Runs one migration job: discovers and plans the collections, creates them on the target, copies every
/// collection through the job's shared dump and restore pools (largest first), builds the remaining
/// indexes, verifies, and records every step so that an interrupted job resumes where it stopped.
/// </summary>
public sealed partial class MigrationJob
{
    private readonly MongoEndpoint _source;
    private readonly MongoEndpoint _target;
    private readonly MigrationOptions _options;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

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
        JobDirectory = Path.GetFullPath(Path.Combine(options.WorkDirectory, JobId));
    }

    public string JobId { get; }

    public string JobDirectory { get; }

    public JobProgress Progress { get; }

    public MigrationOptions Options => _options;

    /// <summary>Changes the job's dump workers while it runs; every collection follows at once.</summary>
    public WorkerAdjustment AdjustDumpWorkers(int newCount) => _coordinator.AdjustDumpWorkers(JobId, newCount);

    /// <summary>Changes the job's restore workers while it runs; every collection follows at once.</summary>
    public WorkerAdjustment AdjustRestoreWorkers(int newCount) => _coordinator.AdjustRestoreWorkers(JobId, newCount);

    /// <summary>The job's pools as they are now (max, active, waiting, workers), or null before they exist.</summary>
    public JobWorkerPoolsSnapshot? Pools => _coordinator.GetJobSnapshot(JobId);

    public async Task<MigrationSummary> RunAsync(CancellationToken cancellationToken)
    {
        using var jobLock = JobLock.Acquire(JobDirectory, JobId);
        var state = await SqliteJobStateStore.OpenAsync(Path.Combine(JobDirectory, "state.db"), _time, cancellationToken).ConfigureAwait(false);
        await using (state.ConfigureAwait(false))
        {
            using var sourceClient = new MongoClient(_source.CreateSettings(_options.ConnectTimeout));
            using var targetClient = new MongoClient(_target.CreateSettings(_options.ConnectTimeout));
            try
            {
                return await RunWithStateAsync(state, sourceClient, targetClient, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _coordinator.CleanupJob(JobId);
            }
        }
    }

    private async Task<MigrationSummary> RunWithStateAsync(IJobStateStore state, IMongoClient sourceClient, IMongoClient targetClient, CancellationToken cancellationToken)
    {
        var existing = await state.GetJobAsync(JobId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !_options.Resume)
        {
            throw new MigrationException($"Job {JobId} already exists in {_options.WorkDirectory}: pass --resume to carry it on, or choose another --job-id.");
        }

        if (existing is null && _options.Resume)
        {
            throw new MigrationException($"There is no job {JobId} in {_options.WorkDirectory} to resume: check --job-id and --work-dir (mongomigrate jobs lists them).");
        }

        Progress.Phase = "connecting";
        await ConnectionProbe.CheckAsync(sourceClient, _source, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        await ConnectionProbe.CheckAsync(targetClient, _target, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);

        var context = new MigrationContext
        {
            JobId = JobId,
            Options = _options,
            Source = sourceClient,
            Target = targetClient,
            Coordinator = _coordinator,
            State = state,
            Progress = Progress,
            DiskBudget = new DiskBudget(_options.DiskBudgetBytes),
            ChunkFiles = new ChunkFiles(JobDirectory),
            Retry = RetryPolicy.Create(_time, onRetry: (e, attempt) => _logger.LogInformation("Retrying after a transient error (attempt {Attempt}): {Reason}", attempt, SecretRedactor.Redact(e.Message))),
            Logger = _logger,
            TimeProvider = _time,
        };

        // The pools exist from the start, so a display shows them and a resize before the first chunk sticks.
        _coordinator.GetOrCreateDumpPool(JobId, _options.DumpWorkers);
        _coordinator.GetOrCreateRestorePool(JobId, _options.RestoreWorkers);

        Progress.Phase = "discovering";
        var (collections, skipped) = existing is null
            ? await StartNewAsync(context, cancellationToken).ConfigureAwait(false)
            : await ReloadAsync(context, cancellationToken).ConfigureAwait(false);

        Progress.Phase = "copying";
        var outcomes = new List<CollectionOutcome>();

        // Chunks are copied through the pools, but planning, index building and verification run per collection.
        // Unbounded, a thousand small collections would all send their metadata commands at once, overflow the
        // driver's wait queue for connections and fail (MongoWaitQueueFullException, found by the benchmark).
        using var metadataGate = new SemaphoreSlim(MetadataConcurrency(_options));
        try
        {
            var tasks = collections.OrderByDescending(c => c.Collection.EstimatedBytes)
                .Select(c => RunCollectionAsync(context, c.Collection, c.Target, c.Record, metadataGate, cancellationToken))
                .ToList();
            outcomes.AddRange(await Task.WhenAll(tasks).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await state.UpdateJobAsync(JobId, JobStatus.Stopped, "stopped by the user", CancellationToken.None).ConfigureAwait(false);
            Progress.Phase = "stopped";
            return Summary(JobStatus.Stopped, outcomes, skipped, $"Stopped. Carry on with: mongomigrate migrate --resume --job-id {JobId} --work-dir {_options.WorkDirectory} (and the same --source and --target).");
        }

        var failed = outcomes.Where(o => o.Status == CollectionStatus.Failed).ToList();
        var status = failed.Count == 0 ? JobStatus.Completed : JobStatus.Failed;
        var reason = failed.Count == 0 ? null
            : $"{failed.Count} collection(s) failed ({string.Join("; ", failed.Select(f => $"{f.Source}: {f.Error}"))}). Fix the cause and run again with --resume --job-id {JobId}.";
        await state.UpdateJobAsync(JobId, status, reason, CancellationToken.None).ConfigureAwait(false);
        Progress.Phase = "done";
        return Summary(status, outcomes, skipped, reason);
    }

    private MigrationSummary Summary(JobStatus status, IReadOnlyList<CollectionOutcome> outcomes, IReadOnlyList<SkippedNamespace> skipped, string? reason) => new()
    {
        JobId = JobId,
        Status = status,
        Elapsed = Progress.Elapsed,
        Collections = outcomes,
        Skipped = skipped,
        Reason = reason,
    };

    /// <summary>Collections that may plan, build indexes or verify at the same time: as many as there are workers to copy their chunks.</summary>
    internal static int MetadataConcurrency(MigrationOptions options) => Math.Clamp(options.DumpWorkers + options.RestoreWorkers, 2, 64);

    private async Task<CollectionOutcome> RunCollectionAsync(MigrationContext context, SourceCollection collection, Namespaces.NamespaceName target, CollectionRecord record, SemaphoreSlim metadataGate, CancellationToken cancellationToken)
    {
        var key = collection.Namespace.FullName;
        var progress = Progress.Add(key, target.FullName, collection.EstimatedCount, collection.EstimatedBytes);
        try
        {
            if (record.Status == CollectionStatus.Completed)
            {
                var done = await context.State.GetChunksAsync(JobId, key, cancellationToken).ConfigureAwait(false);
                progress.SetChunks(done.Count, done.Count, done.Count, done.Sum(c => c.Documents), done.Sum(c => c.Bytes));
                progress.SetPhase(CollectionPhase.Done);
                return Outcome(record.Status, collection, target, done, [], [], null, null);
            }

            IReadOnlyList<ChunkRecord> chunks;
            await metadataGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                chunks = await PlanIfNeededAsync(context, collection, target, record, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                metadataGate.Release();
            }

            progress.SetChunks(
                chunks.Count,
                chunks.Count(c => c.Status is ChunkStatus.Dumped or ChunkStatus.Restored),
                chunks.Count(c => c.Status == ChunkStatus.Restored),
                chunks.Where(c => c.Status == ChunkStatus.Restored).Sum(c => c.Documents),
                chunks.Where(c => c.Status == ChunkStatus.Restored).Sum(c => c.Bytes));
            progress.SetPhase(CollectionPhase.Copying);
            await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Copying, null, null, cancellationToken).ConfigureAwait(false);

            var job = new CollectionJob { Source = collection, Target = target, Progress = progress, Chunks = chunks };
            var failures = _options.Method == CopyMethod.Direct
                ? await new DirectCopyProcessor(context, job).RunAsync(cancellationToken).ConfigureAwait(false)
                : await new DumpRestoreProcessor(context, job).RunAsync(cancellationToken).ConfigureAwait(false);
            if (failures.Count > 0)
            {
                var error = $"{failures.Count} chunk(s) failed, first: {failures[0].Reason}";
                await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Failed, error, null, cancellationToken).ConfigureAwait(false);
                progress.SetPhase(CollectionPhase.Failed);
                return Outcome(CollectionStatus.Failed, collection, target, chunks, failures, [], null, error);
            }

            await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Copied, null, null, cancellationToken).ConfigureAwait(false);
            await metadataGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await FinishCollectionAsync(context, collection, target, chunks, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                metadataGate.Release();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = SecretRedactor.Redact(e is MigrationException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            _logger.LogError(e, "Collection {Namespace} failed: {Reason}", key, error);
            progress.SetPhase(CollectionPhase.Failed);
            await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Failed, error, null, CancellationToken.None).ConfigureAwait(false);
            return Outcome(CollectionStatus.Failed, collection, target, [], [], [], null, error);
        }
    }

    /// <summary>After the copy: the remaining indexes, the verification, the final state.</summary>
    private async Task<CollectionOutcome> FinishCollectionAsync(MigrationContext context, SourceCollection collection, Namespaces.NamespaceName target, IReadOnlyList<ChunkRecord> chunks, CollectionProgress progress, CancellationToken cancellationToken)
    {
        var key = collection.Namespace.FullName;
        progress.SetPhase(CollectionPhase.Indexing);
        var indexErrors = await new TargetPreparation(context.Target, _logger).BuildRemainingIndexesAsync(collection, target, cancellationToken).ConfigureAwait(false);

        VerificationResult? verification = null;
        if (_options.Verify)
        {
            progress.SetPhase(CollectionPhase.Verifying);
            verification = await VerifyAsync(context, collection, target, chunks, cancellationToken).ConfigureAwait(false);
            if (!verification.IsEqual)
            {
                var error = $"verification found {verification.Missing} missing, {verification.Extra} extra and {verification.Different} different documents ({string.Join("; ", verification.Examples.Take(3))})";
                await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Failed, error, JoinOrNull(indexErrors), cancellationToken).ConfigureAwait(false);
                progress.SetPhase(CollectionPhase.Failed);
                return Outcome(CollectionStatus.Failed, collection, target, chunks, [], indexErrors, verification, error);
            }
        }

        await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Completed, null, JoinOrNull(indexErrors), cancellationToken).ConfigureAwait(false);
        progress.SetPhase(CollectionPhase.Done);
        var final = await context.State.GetChunksAsync(JobId, key, cancellationToken).ConfigureAwait(false);
        return Outcome(CollectionStatus.Completed, collection, target, final, [], indexErrors, verification, null);
    }

    private async Task<IReadOnlyList<ChunkRecord>> PlanIfNeededAsync(MigrationContext context, SourceCollection collection, Namespaces.NamespaceName target, CollectionRecord record, CollectionProgress progress, CancellationToken cancellationToken)
    {
        var key = collection.Namespace.FullName;
        if (record.Status != CollectionStatus.Pending)
        {
            return await context.State.GetChunksAsync(JobId, key, cancellationToken).ConfigureAwait(false);
        }

        progress.SetPhase(CollectionPhase.Planning);
        var preparation = new TargetPreparation(context.Target, _logger);
        var uniqueErrors = await preparation.CreateCollectionAsync(collection, target, cancellationToken).ConfigureAwait(false);
        if (uniqueErrors.Count > 0)
        {
            // A unique index that cannot be built would let duplicates in unnoticed: stop this collection.
            throw new MigrationException($"Could not create the unique indexes of {target}: {string.Join("; ", uniqueErrors)}");
        }

        var planner = new ChunkPlanner(context.Source, new ChunkPlannerOptions { ChunkSizeBytes = _options.ChunkSizeBytes }, _logger);
        var ranges = await planner.PlanAsync(collection, cancellationToken).ConfigureAwait(false);
        var chunks = ranges.Select((range, index) => new ChunkRecord
        {
            SourceNamespace = key,
            Index = index,
            Filter = range.ToFilter().Bytes.ToArray(),
            Description = range.ToString(),
        }).ToList();
        await context.State.SaveCollectionPlanAsync(JobId, record with { Status = CollectionStatus.Planned }, chunks, cancellationToken).ConfigureAwait(false);
        return chunks;
    }

    private async Task<VerificationResult> VerifyAsync(MigrationContext context, SourceCollection collection, Namespaces.NamespaceName target, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        var verifier = new CollectionVerifier(context.Source, context.Target);
        using var gate = new SemaphoreSlim(Math.Max(1, _options.DumpWorkers));
        var tasks = chunks.Select(async chunk =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await context.Retry.ExecuteAsync(
                    async token => await verifier.VerifyAsync(collection.Namespace, target, new Bson.RawDocument(chunk.Filter), token).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        });
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return results.Aggregate(
            new VerificationResult { SourceNamespace = collection.Namespace.FullName, TargetNamespace = target.FullName },
            (total, next) => total + next);
    }

    private static CollectionOutcome Outcome(CollectionStatus status, SourceCollection collection, Namespaces.NamespaceName target, IReadOnlyList<ChunkRecord> chunks, IReadOnlyList<ChunkFailure> failures, IReadOnlyList<string> indexErrors, VerificationResult? verification, string? error) => new()
    {
        Source = collection.Namespace.FullName,
        Target = target.FullName,
        Status = status,
        Documents = chunks.Where(c => c.Status == ChunkStatus.Restored).Sum(c => c.Documents),
        Bytes = chunks.Where(c => c.Status == ChunkStatus.Restored).Sum(c => c.Bytes),
        Chunks = chunks.Count,
        FailedChunks = failures,
        IndexErrors = indexErrors,
        Verification = verification,
        Error = error,
    };

    private static string? JoinOrNull(IReadOnlyList<string> lines) => lines.Count == 0 ? null : string.Join("\n", lines);

    private static string NewJobId(TimeProvider time) =>
        $"job-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
}
