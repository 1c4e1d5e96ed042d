using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Secrets;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.Resilience;

namespace MongoMigrate.Cluster.Planning;

/// <summary>
/// Makes a cluster job's plan with the engine's own steps: discovery, the target checked empty (or dropped), each
/// collection created with its unique indexes, and its chunks cut by the engine's partitioner. The URIs go into the
/// plan sealed with the cluster's key.
/// </summary>
public sealed class ClusterJobPlanner(ClusterKey key, ILogger logger, TimeProvider? timeProvider = null)
{
    public async Task<ClusterJobPlan> PlanAsync(ClusterJobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var source = new MongoClient(request.Source.CreateSettings(request.ConnectTimeout));
        using var target = new MongoClient(request.Target.CreateSettings(request.ConnectTimeout));
        var retry = RetryPolicy.Create(timeProvider ?? TimeProvider.System);
        var discovery = await retry.ExecuteAsync(
            async token => await new CollectionDiscovery(source, logger).DiscoverAsync(request.Selection, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        if (discovery.Collections.Count == 0)
        {
            throw new MigrationException($"The selection matches no collection to copy on the source {request.Source.Display}. Check --include and --exclude.");
        }

        var preparation = new TargetPreparation(target, logger);
        var targets = discovery.Collections.Select(c => request.Selection.TargetOf(c.Namespace)).ToList();
        await retry.ExecuteAsync(
            async token => await preparation.EnsureTargetsEmptyAsync(targets, request.DropTarget, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        var planner = new ChunkPlanner(source, new ChunkPlannerOptions { ChunkSizeBytes = request.ChunkSizeBytes }, logger);
        var collections = new List<PlannedCollection>();
        foreach (var (collection, targetNs) in discovery.Collections.Zip(targets))
        {
            var unique = await retry.ExecuteAsync(
                async token => await preparation.CreateCollectionAsync(collection, targetNs, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (unique.Count > 0)
            {
                throw new MigrationException($"Could not create the unique indexes of {targetNs}: {string.Join("; ", unique)}");
            }

            var ranges = await retry.ExecuteAsync(async token => await planner.PlanAsync(collection, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            collections.Add(new PlannedCollection
            {
                SourceNamespace = collection.Namespace.FullName,
                TargetNamespace = targetNs.FullName,
                EstimatedCount = collection.EstimatedCount,
                EstimatedBytes = collection.EstimatedBytes,
                Options = collection.Options.Bytes.ToArray(),
                Indexes = [.. collection.Indexes.Select(i => i.Bytes.ToArray())],
                Chunks = [.. ranges.Select((range, index) => new PlannedChunk(index, range.ToFilter().Bytes.ToArray(), range.ToString()))],
            });
        }

        logger.LogInformation("Planned {Collections} collection(s), {Chunks} chunk(s)", collections.Count, collections.Sum(c => c.Chunks.Count));
        return new ClusterJobPlan
        {
            JobId = request.JobId,
            SealedSource = key.Seal(request.Source.ConnectionString),
            SealedTarget = key.Seal(request.Target.ConnectionString),
            Display = $"{request.Source.Display} -> {request.Target.Display}",
            DumpRestore = request.DumpRestore,
            DumpWorkers = request.DumpWorkers,
            RestoreWorkers = request.RestoreWorkers,
            InsertionWorkers = request.InsertionWorkers,
            Verify = request.Verify,
            Collections = collections,
        };
    }

    /// <summary>A source collection as discovery found it, rebuilt from the plan (what the engine's stages take).</summary>
    public static SourceCollection ToSource(PlannedCollection collection) => new()
    {
        Namespace = Engine.Namespaces.NamespaceName.Parse(collection.SourceNamespace),
        Options = new Bson.RawDocument(collection.Options),
        Indexes = [.. collection.Indexes.Select(i => new Bson.RawDocument(i))],
        EstimatedCount = collection.EstimatedCount,
        EstimatedBytes = collection.EstimatedBytes,
    };
}
