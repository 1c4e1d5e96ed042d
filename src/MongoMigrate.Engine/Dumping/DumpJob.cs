using System.Reflection;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Dumping;

/// <summary>
/// mongodump's job: discovers the selected collections and views, then dumps up to -j collections at once through
/// the job's dump pool into a mongodump directory or archive. A large collection is read in _id-range chunks by
/// several readers; their batches go to the collection's one file or archive namespace, and the segments of
/// collections dumped at once interleave in an archive.
/// </summary>
public sealed class DumpJob : IRunningJob
{
    private readonly MongoEndpoint _source;
    private readonly DumpJobOptions _options;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly ILogger _logger;

    public DumpJob(MongoEndpoint source, DumpJobOptions options, WorkerPoolCoordinator coordinator, ILoggerFactory loggers, TimeProvider? timeProvider = null)
    {
        options.Validate();
        _source = source;
        _options = options;
        _coordinator = coordinator;
        _logger = loggers.CreateLogger("MongoMigrate.Dump");
        var time = timeProvider ?? TimeProvider.System;
        JobId = options.JobId ?? $"dump-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
        Steering = new JobSteering(coordinator, JobId, new PoolSettings(options.ParallelCollections, 0, 1), WorkerPoolKind.Dump, _logger);
        Progress = new JobProgress(time);
    }

    /// <summary>What the archive header and prelude.json give as the tool: "mongomigrate" and its version.</summary>
    public static string ToolVersion { get; } =
        "mongomigrate " + (typeof(DumpJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    public string JobId { get; }

    public JobProgress Progress { get; }

    public DumpJobOptions Options => _options;

    public JobWorkerPoolsSnapshot? Pools => _coordinator.GetJobSnapshot(JobId);

    /// <summary>The job's one pool is its dump pool; changes of restore workers do nothing.</summary>
    public JobSteering Steering { get; }

    public async Task<DumpJobSummary> RunAsync(CancellationToken cancellationToken)
    {
        using var client = new MongoClient(_source.CreateSettings(_options.ConnectTimeout));
        try
        {
            return await RunWithClientAsync(client, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _coordinator.CleanupJob(JobId);
        }
    }

    private async Task<DumpJobSummary> RunWithClientAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        Progress.Phase = "connecting";
        var buildInfo = await ConnectionProbe.CheckAsync(client, _source, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        var serverVersion = buildInfo.TryGetValue("version", out var version) && version.IsString ? version.AsString : "unknown";
        Steering.OpenPools();
        var pool = _coordinator.GetOrCreateDumpPool(JobId, _options.ParallelCollections);

        Progress.Phase = "discovering";
        var discovery = await new CollectionDiscovery(client, _logger) { IncludeViews = true }.DiscoverAsync(_options.Selection, cancellationToken).ConfigureAwait(false);
        if (discovery.Collections.Count == 0 && discovery.Views.Count == 0)
        {
            var selection = _options.Selection.ToString();
            throw new MigrationException(
                $"The selection {(selection.Length == 0 ? "(everything)" : selection)} matches nothing to dump on the source {_source.Display}"
                + (discovery.Skipped.Count > 0 ? $" ({discovery.Skipped.Count} namespace(s) were left out, e.g. {discovery.Skipped[0].Namespace}: {discovery.Skipped[0].Reason})" : string.Empty)
                + ". Check --include and --exclude.");
        }

        var namespaces = discovery.Collections.Select(c => (c.Namespace, CollectionDumper.Metadata(c)))
            .Concat(discovery.Views.Select(v => (v.Namespace, ViewMetadata(v))))
            .ToList();
        // Who the source is travels with the dump: a restore streamed from it must not write into what is being read.
        var identity = await DeploymentIdentity.ReadAsync(client, cancellationToken).ConfigureAwait(false);
        var header = new ArchiveHeader(_options.ParallelCollections, serverVersion, ToolVersion) { SourceDeployment = identity.IsUnknown ? null : identity.ToJson() };
        var progress = discovery.Collections.ToDictionary(c => c.Namespace, c => Progress.Add(c.Namespace.FullName, c.Namespace.FullName, c.EstimatedCount, c.EstimatedBytes));
        var results = new List<NamespaceResult>();
        var output = await DumpOutput.OpenAsync(_options, header, namespaces, cancellationToken).ConfigureAwait(false);
        await using (output.ConfigureAwait(false))
        {
            try
            {
                Progress.Phase = "dumping";
                using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var gate = new SemaphoreSlim(_options.ParallelCollections);
                var tasks = discovery.Collections
                    .OrderByDescending(c => c.EstimatedBytes)
                    .Select(c => DumpCollectionAsync(client, pool, c, progress[c.Namespace], output, gate, abandon, cancellationToken))
                    .ToList();
                results.AddRange(await Task.WhenAll(tasks).ConfigureAwait(false));
                if (results.All(r => r.Status == CollectionStatus.Completed))
                {
                    foreach (var view in discovery.Views)
                    {
                        await output.WriteViewAsync(view.Namespace, ViewMetadata(view), cancellationToken).ConfigureAwait(false);
                        results.Add(new NamespaceResult { Source = view.Namespace.FullName, Target = view.Namespace.FullName, Kind = CollectionMetadata.ViewType, Status = CollectionStatus.Completed });
                    }

                    Progress.Phase = "finishing";
                    await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Progress.Phase = "stopped";
                var what = _options.Destination.IsArchive
                    ? "the archive was not written"
                    : "collections with both their .bson and .metadata.json are complete, prelude.json is missing";
                return Summary(JobStatus.Stopped, results, discovery.Skipped, $"Stopped: {what}. Run the dump again to finish it.");
            }
        }

        var failed = results.Where(r => r.Status == CollectionStatus.Failed).ToList();
        Progress.Phase = failed.Count == 0 ? "done" : "failed";
        var reason = failed.Count == 0 ? null
            : $"{failed.Count} collection(s) failed (first: {failed[0].Source}: {failed[0].Error}); "
              + (_options.Destination.IsArchive ? "the archive was not written." : "their files were not written and prelude.json is missing.")
              + " Fix the cause and run the dump again.";
        return Summary(failed.Count == 0 ? JobStatus.Completed : JobStatus.Failed, results, discovery.Skipped, reason);
    }

    private async Task<NamespaceResult> DumpCollectionAsync(
        IMongoClient client,
        WorkerPoolManager pool,
        SourceCollection collection,
        CollectionProgress progress,
        DumpOutput output,
        SemaphoreSlim gate,
        CancellationTokenSource abandon,
        CancellationToken cancellationToken)
    {
        try
        {
            await gate.WaitAsync(abandon.Token).ConfigureAwait(false);
            try
            {
                return await new CollectionDumper(client, pool, _options, collection, progress, _logger).RunAsync(output, abandon.Token).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var abandoned = e is OperationCanceledException && abandon.IsCancellationRequested;
            var error = abandoned ? "not finished: the archive was abandoned when another collection failed" : ErrorDescription.Of(e);
            if (!abandoned)
            {
                _logger.LogError(e, "Dumping {Namespace} failed: {Reason}", collection.Namespace, error);
            }

            progress.SetPhase(CollectionPhase.Failed);
            if (output.IsAllOrNothing)
            {
                // The archive lists this namespace in its prelude and cannot be completed without it.
                await abandon.CancelAsync().ConfigureAwait(false);
            }

            return new NamespaceResult
            {
                Source = collection.Namespace.FullName,
                Target = collection.Namespace.FullName,
                Kind = CollectionMetadata.CollectionType,
                Status = CollectionStatus.Failed,
                Documents = progress.Documents,
                Bytes = progress.Bytes,
                Error = error,
            };
        }
    }

    private static CollectionMetadata ViewMetadata(SourceView view) => new()
    {
        Options = view.Options,
        CollectionName = view.Namespace.Collection,
        Type = CollectionMetadata.ViewType,
    };

    private DumpJobSummary Summary(JobStatus status, List<NamespaceResult> results, IReadOnlyList<SkippedNamespace> skipped, string? reason) => new()
    {
        JobId = JobId,
        Operation = "dump",
        Status = status,
        Elapsed = Progress.Elapsed,
        Location = _options.Destination.Display,
        Namespaces = results,
        Skipped = skipped,
        Reason = reason,
    };
}
