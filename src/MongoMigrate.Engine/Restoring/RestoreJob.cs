using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// mongorestore's job: reads a directory dump or an archive, restores its collections through the job's restore
/// pool (unordered raw inserts, validation bypassed, a duplicate _id counted as already present), builds their
/// indexes after the data, unique ones first, then recreates the views. It records each namespace it completes,
/// so <c>--resume</c> skips those; any other re-run finishes without duplicates.
/// </summary>
public sealed class RestoreJob : IRunningJob
{
    private readonly MongoEndpoint _target;
    private readonly RestoreJobOptions _options;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RestoreJob(MongoEndpoint target, RestoreJobOptions options, WorkerPoolCoordinator coordinator, ILoggerFactory loggers, TimeProvider? timeProvider = null)
    {
        options.Validate();
        _target = target;
        _options = options;
        _coordinator = coordinator;
        _logger = loggers.CreateLogger("MongoMigrate.Restore");
        _time = timeProvider ?? TimeProvider.System;
        JobId = options.JobId ?? $"restore-{_time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
        JobDirectory = JobFolder.Of(options.WorkDirectory, JobId);
        Steering = new JobSteering(coordinator, JobId, new PoolSettings(0, RestoreWorkers, 1), WorkerPoolKind.Restore, _logger);
        Progress = new JobProgress(_time);
    }

    public string JobId { get; }

    public string JobDirectory { get; }

    public JobProgress Progress { get; }

    public RestoreJobOptions Options => _options;

    public JobWorkerPoolsSnapshot? Pools => _coordinator.GetJobSnapshot(JobId);

    /// <summary>Inserts in flight at once across the job: -j collections times the insertion workers of each.</summary>
    public int RestoreWorkers => Math.Clamp(_options.ParallelCollections * _options.InsertionWorkers, 1, _coordinator.Options.MaxWorkersPerPool);

    /// <summary>The job's one pool is its restore pool; changes of dump workers do nothing.</summary>
    public JobSteering Steering { get; }

    public async Task<DumpJobSummary> RunAsync(CancellationToken cancellationToken)
    {
        // The dump's catalog first: a wrong path or broken metadata fails before anything is written anywhere.
        Progress.Phase = "reading the dump";
        var notes = new List<string>();
        var source = await RestoreSource.OpenAsync(_options, notes, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var plan = source.Plan;
            notes.AddRange(plan.Notes);
            if (plan.IsEmpty)
            {
                var selection = _options.Selection.ToString();
                var skipped = string.Join("; ", plan.Skipped.GroupBy(s => s.Reason).Select(g =>
                    string.Join(", ", g.Take(3).Select(s => s.Namespace.FullName)) + (g.Count() > 3 ? $" and {g.Count() - 3} more" : string.Empty) + ": " + g.Key));
                throw new MigrationException(
                    $"Nothing to restore from {_options.Source.Display}: "
                    + (plan.Skipped.Count > 0 ? $"{plan.Skipped.Count} namespace(s) were left out ({skipped})."
                        : selection.Length > 0 ? $"the selection {selection} matches no namespace of the dump."
                        : "the dump holds no collections" + (plan.Notes.Count > 0 ? $" ({plan.Notes[0]})" : ".")));
            }

            using var jobLock = JobLock.Acquire(JobDirectory, JobId);
            var state = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(JobDirectory), _time, cancellationToken).ConfigureAwait(false);
            await using (state.ConfigureAwait(false))
            {
                using var client = new MongoClient(_target.CreateSettings(_options.ConnectTimeout));
                try
                {
                    return await RunWithStateAsync(source, plan, notes, state, client, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _coordinator.CleanupJob(JobId);
                }
            }
        }
    }

    private async Task<DumpJobSummary> RunWithStateAsync(RestoreSource source, RestorePlan plan, List<string> notes, IJobStateStore state, IMongoClient client, CancellationToken cancellationToken)
    {
        Progress.Phase = "connecting";
        await ConnectionProbe.CheckAsync(client, _target, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        await CheckNotReadingTargetAsync(source, plan, client, cancellationToken).ConfigureAwait(false);
        var records = new RestoreState(state, JobId, _options, _target, _time, _logger);
        var (done, replace) = await records.LoadAsync(plan, client, cancellationToken).ConfigureAwait(false);

        Steering.OpenPools();
        var pool = _coordinator.GetOrCreateRestorePool(JobId, RestoreWorkers);
        Progress.SetEstimatedBytes(source.EstimateTotalBytes);
        var items = plan.Collections.Concat(plan.Views).ToList();
        var progress = items.ToDictionary(i => i.Key, i => Progress.Add(i.Source.FullName, i.Target.FullName, 0, i.EstimatedBytes));
        var results = new ConcurrentDictionary<string, NamespaceResult>(StringComparer.Ordinal);
        foreach (var (key, result) in done)
        {
            results[key] = result;
            progress[key].SetPhase(CollectionPhase.Done);
            progress[key].AddCopied(result.Documents, result.Bytes);
        }

        Progress.Phase = "restoring";
        var retry = RetryPolicy.Create(_time, maxRetries: _options.MaxBatchAttempts - 1, onRetry: (e, attempt) => _logger.LogInformation("Retrying a batch after a transient error (attempt {Attempt}): {Reason}", attempt, ErrorDescription.Of(e)));
        Exception? readError = null;
        try
        {
            var collections = plan.Collections.Where(i => !done.ContainsKey(i.Key)).ToList();
            await source.RunAsync(
                collections,
                async (item, batches, crc, token) =>
                {
                    await state.UpdateCollectionAsync(JobId, item.Key, CollectionStatus.Copying, null, null, token).ConfigureAwait(false);
                    var result = await new NamespaceRestorer(client, pool, _options, item, progress[item.Key], retry, _logger, replace.Contains(item.Key)).RunAsync(batches, crc, token).ConfigureAwait(false);
                    results[item.Key] = result;
                    await records.RecordAsync(result, item.Key, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);

            Progress.Phase = "views";
            foreach (var view in plan.Views.Where(v => !done.ContainsKey(v.Key)))
            {
                var result = await new NamespaceRestorer(client, pool, _options, view, progress[view.Key], retry, _logger).RunViewAsync(cancellationToken).ConfigureAwait(false);
                results[view.Key] = result;
                await records.RecordAsync(result, view.Key, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Progress.Phase = "stopped";
            await state.UpdateJobAsync(JobId, JobStatus.Stopped, "stopped by the user", CancellationToken.None).ConfigureAwait(false);
            return Summary(JobStatus.Stopped, items, results, plan.Skipped, notes, $"Stopped. Carry on with: {ResumeHint}.");
        }
        catch (Exception e)
        {
            // The dump broke off (an archive that ends early, a wrong CRC): what came before it is restored.
            readError = e;
            _logger.LogError(e, "Reading the dump failed: {Reason}", ErrorDescription.Of(e));
        }

        foreach (var item in items.Where(i => !results.ContainsKey(i.Key)))
        {
            progress[item.Key].SetPhase(CollectionPhase.Failed);
            results[item.Key] = new NamespaceResult
            {
                Source = item.Source.FullName,
                Target = item.Target.FullName,
                Kind = item.IsView ? CollectionMetadata.ViewType : CollectionMetadata.CollectionType,
                Status = CollectionStatus.Failed,
                Error = "not restored: the dump could not be read up to it",
            };
        }

        var failed = items.Select(i => results[i.Key]).Where(r => r.Status != CollectionStatus.Completed).ToList();
        var status = failed.Count == 0 && readError is null ? JobStatus.Completed : JobStatus.Failed;
        var reason = readError is not null
            ? DamagedDumpReason(readError, items.Select(i => results[i.Key]).ToList())
            : failed.Count > 0
                ? $"{failed.Count} namespace(s) failed (first: {failed[0].Target}: {failed[0].Error}). Fix the cause and carry on with: {ResumeHint}."
                : null;
        await state.UpdateJobAsync(JobId, status, reason, CancellationToken.None).ConfigureAwait(false);
        Progress.Phase = status == JobStatus.Completed ? "done" : "failed";
        return Summary(status, items, results, plan.Skipped, notes, reason);
    }

    /// <summary>
    /// A dump streamed in while it is being made reads its source as the restore writes: into that same deployment the
    /// restore may write only namespaces the dump does not hold. A finished dump (a file, a directory with its prelude)
    /// may go back where it came from, as restoring a backup does.
    /// </summary>
    private async Task CheckNotReadingTargetAsync(RestoreSource source, RestorePlan plan, IMongoClient client, CancellationToken cancellationToken)
    {
        if (!source.MayBeInProgress || DeploymentIdentity.FromJson(source.SourceDeployment) is not { } origin)
        {
            return;
        }

        var target = await DeploymentIdentity.ReadAsync(client, cancellationToken).ConfigureAwait(false);
        SameDeploymentRule.Check(
            origin.SameDeploymentAs(target),
            $"of the dump on {_options.Source.Display}",
            _target.Display,
            plan.Collections.Concat(plan.Views).Select(i => i.Target),
            source.DumpedNamespaces,
            _options.Drop,
            "Restore into another deployment, to names the dump does not hold with --from/--to, or from the finished dump's file.");
    }

    /// <summary>What a dump that broke off or failed a checksum left behind: what is complete, and exactly what was written from the damaged part.</summary>
    private string DamagedDumpReason(Exception readError, IReadOnlyList<NamespaceResult> results)
    {
        var completed = results.Count(r => r.Status == CollectionStatus.Completed);
        var damaged = results.Where(r => r.WrittenFromDamagedPart).ToList();
        var written = damaged.Count == 0
            ? "nothing was written from the damaged part."
            : string.Join(", ", damaged.Select(r => $"{r.Documents - r.AlreadyPresent:N0} document(s) were written into {r.Target}"))
              + " from the damaged part; they may be damaged.";
        return $"The dump is damaged: {ErrorDescription.Of(readError)}. {completed} namespace(s) were restored completely before it; {written} "
            + $"Put a good dump in its place and carry on with {ResumeHint}: what this run wrote from the damaged part is replaced whole "
            + "(a new restore of a good dump replaces the documents that differ, and with --drop the whole collection).";
    }

    private string ResumeHint => $"mongomigrate restore --resume --job-id {JobId} --work-dir {_options.WorkDirectory} (with the same dump and --target)";

    private DumpJobSummary Summary(
        JobStatus status,
        List<RestoreItem> items,
        ConcurrentDictionary<string, NamespaceResult> results,
        IReadOnlyList<SkippedNamespace> skipped,
        IReadOnlyList<string> notes,
        string? reason) => new()
        {
            JobId = JobId,
            Operation = "restore",
            Status = status,
            Elapsed = Progress.Elapsed,
            Location = _options.Source.Display,
            Namespaces = [.. items.Where(i => results.ContainsKey(i.Key)).Select(i => results[i.Key])],
            Skipped = skipped,
            Notes = notes,
            Reason = reason,
        };
}
