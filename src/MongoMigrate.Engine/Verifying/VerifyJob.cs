using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// `verify`: compares the selected collections of two deployments, on their own, after any copy by any tool.
/// Each collection's options and indexes are compared as specs, and its documents byte for byte by _id, in the
/// _id ranges the copy's partitioner cuts, read on both sides at once by the job's dump pool (so +/- change the
/// readers live). Finished ranges are kept in the job folder, so that --resume does not read them again.
/// </summary>
public sealed class VerifyJob : IRunningJob
{
    private readonly MongoEndpoint _source;
    private readonly MongoEndpoint _target;
    private readonly VerifyJobOptions _options;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public VerifyJob(MongoEndpoint source, MongoEndpoint target, VerifyJobOptions options, WorkerPoolCoordinator coordinator, ILoggerFactory loggers, TimeProvider? timeProvider = null)
    {
        options.Validate();
        _source = source;
        _target = target;
        _options = options;
        _coordinator = coordinator;
        _logger = loggers.CreateLogger("MongoMigrate.Verify");
        _time = timeProvider ?? TimeProvider.System;
        JobId = options.JobId ?? $"verify-{_time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
        Steering = new JobSteering(coordinator, JobId, new PoolSettings(options.Workers, 0, 1), WorkerPoolKind.Dump, _logger);
        Progress = new JobProgress(_time);
    }

    public string JobId { get; }

    public JobProgress Progress { get; }

    public JobWorkerPoolsSnapshot? Pools => _coordinator.GetJobSnapshot(JobId);

    /// <summary>The job's one pool is its dump pool: its readers compare ranges.</summary>
    public JobSteering Steering { get; }

    public VerifyJobOptions Options => _options;

    public async Task<VerifyReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        using var sourceClient = new MongoClient(_source.CreateSettings(_options.ConnectTimeout));
        using var targetClient = new MongoClient(_target.CreateSettings(_options.ConnectTimeout));
        JobLock? jobLock = null;
        VerifyJobState? state = null;
        try
        {
            Progress.Phase = "connecting";
            await Task.WhenAll(
                ConnectionProbe.CheckAsync(sourceClient, _source, _options.ConnectTimeout, cancellationToken),
                ConnectionProbe.CheckAsync(targetClient, _target, _options.ConnectTimeout, cancellationToken)).ConfigureAwait(false);
            Steering.OpenPools();
            var pool = _coordinator.GetOrCreateDumpPool(JobId, _options.Workers);

            Progress.Phase = "discovering";
            var discovery = await new CollectionDiscovery(sourceClient, _logger).DiscoverAsync(_options.Selection, cancellationToken).ConfigureAwait(false);
            if (discovery.Collections.Count == 0)
            {
                var selection = _options.Selection.ToString();
                throw new MigrationException(
                    $"The selection {(selection.Length == 0 ? "(everything)" : selection)} matches no collection on the source {_source.Display}. Check --include and --exclude.");
            }

            var targets = discovery.Collections.ToDictionary(c => c.Namespace, c => _options.Selection.TargetOf(c.Namespace));
            var onTarget = await DiscoverTargetAsync(targetClient, targets.Values, cancellationToken).ConfigureAwait(false);
            if (_options.WorkDirectory is { } work)
            {
                var folder = JobFolder.Of(work, JobId);
                jobLock = JobLock.Acquire(folder, JobId, _time);
                var records = discovery.Collections.Select(c => new CollectionRecord
                {
                    SourceNamespace = c.Namespace.FullName,
                    TargetNamespace = targets[c.Namespace].FullName,
                    Status = CollectionStatus.Pending,
                    EstimatedCount = c.EstimatedCount,
                    EstimatedBytes = c.EstimatedBytes,
                }).ToList();
                state = await VerifyJobState.OpenAsync(folder, JobId, _options.Resume, Definition(), records, _time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                state = VerifyJobState.InMemory(JobId);
            }

            Progress.Phase = "verifying";
            using var gate = new SemaphoreSlim(_options.Workers);
            var comparisons = discovery.Collections
                .OrderByDescending(c => c.EstimatedBytes)
                .Select(c => CompareAsync(c, onTarget.GetValueOrDefault(targets[c.Namespace]), targets[c.Namespace], sourceClient, targetClient, pool, state, gate, cancellationToken))
                .ToList();
            var namespaces = await Task.WhenAll(comparisons).ConfigureAwait(false);
            var report = Report(started) with { Namespaces = [.. namespaces.OrderBy(n => n.Source, StringComparer.Ordinal)] };
            var different = report.Namespaces.Count(n => !n.Equal);
            await state.FinishAsync(report.Equal ? JobStatus.Completed : JobStatus.Failed, report.Equal ? null : $"{different} of {report.Namespaces.Count} collection(s) differ or could not be compared").ConfigureAwait(false);
            Progress.Phase = report.Equal ? "done" : "failed";
            return report;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Progress.Phase = "stopped";
            if (state is not null)
            {
                await state.FinishAsync(JobStatus.Stopped, "stopped before every range was compared").ConfigureAwait(false);
            }

            return Report(started) with
            {
                Reason = _options.WorkDirectory is null
                    ? "Stopped before every range was compared."
                    : $"Stopped: the ranges compared so far are kept. Carry on with: mongomigrate verify --resume --job-id {JobId} --work-dir {_options.WorkDirectory} (with the same source, target and selection).",
            };
        }
        catch (Exception e) when (state is not null)
        {
            await state.FinishAsync(JobStatus.Failed, ErrorDescription.Of(e)).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (state is not null)
            {
                await state.DisposeAsync().ConfigureAwait(false);
            }

            jobLock?.Dispose();
            _coordinator.CleanupJob(JobId);
        }
    }

    /// <summary>What the job's state keeps of its definition, without secrets: a resumed run must be given the same.</summary>
    /// <summary>The report of this job started at <paramref name="started"/>, finished now: what it found or why it stopped goes in with <c>with</c>.</summary>
    private VerifyReport Report(DateTimeOffset started) => new()
    {
        JobId = JobId,
        Source = _source.Display,
        Target = _target.Display,
        StartedAt = started,
        FinishedAt = _time.GetUtcNow(),
        SampleFraction = _options.SampleFraction,
    };

    private JobDefinition Definition() => new()
    {
        Source = _source.Display,
        Target = _target.Display,
        Selection = _options.Selection.ToString(),
        Include = [.. _options.Selection.Include.Select(p => p.Text)],
        Exclude = [.. _options.Selection.Exclude.Select(p => p.Text)],
        Renames = [.. _options.Selection.Renames.Select(r => new[] { r.From.Text, r.To.Text })],
        Method = JobDefinition.VerifyMethod,
        DumpWorkers = _options.Workers,
        ChunkSizeBytes = _options.ChunkSizeBytes,
        SampleFraction = _options.SampleFraction,
    };

    private async Task<Dictionary<NamespaceName, SourceCollection>> DiscoverTargetAsync(IMongoClient target, IEnumerable<NamespaceName> names, CancellationToken cancellationToken)
    {
        var wanted = names.Distinct().ToList();
        var selection = new NamespaceSelection([.. wanted.Select(n => n.FullName)], [], []);
        var found = await new CollectionDiscovery(target, _logger).DiscoverAsync(selection, cancellationToken).ConfigureAwait(false);
        return found.Collections.Where(c => wanted.Contains(c.Namespace)).ToDictionary(c => c.Namespace);
    }

    private async Task<NamespaceReport> CompareAsync(
        SourceCollection source,
        SourceCollection? target,
        NamespaceName targetName,
        IMongoClient sourceClient,
        IMongoClient targetClient,
        WorkerPoolManager pool,
        VerifyJobState state,
        SemaphoreSlim gate,
        CancellationToken cancellationToken)
    {
        var progress = Progress.Add(source.Namespace.FullName, targetName.FullName, source.EstimatedCount, source.EstimatedBytes);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        NamespaceReport report;
        try
        {
            var comparison = new CollectionComparison(sourceClient, targetClient, pool, _options, state, progress, _logger);
            report = await comparison.RunAsync(source, target, targetName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var error = ErrorDescription.Of(e is WorkItemFailedException { InnerException: { } inner } ? inner : e);
            _logger.LogError(e, "Verifying {Namespace} failed: {Reason}", source.Namespace, error);
            progress.SetPhase(CollectionPhase.Failed);
            report = new NamespaceReport { Source = source.Namespace.FullName, Target = targetName.FullName, TargetExists = target is not null, Error = error };
        }
        finally
        {
            gate.Release();
        }

        await state.RecordCollectionAsync(report, cancellationToken).ConfigureAwait(false);
        return report;
    }
}
