using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Cluster.Planning;

/// <summary>What a user asks of a cluster: the job's id, both sides, what to copy and how.</summary>
public sealed record ClusterJobRequest
{
    public required string JobId { get; init; }

    public required MongoEndpoint Source { get; init; }

    public required MongoEndpoint Target { get; init; }

    public NamespaceSelection Selection { get; init; } = NamespaceSelection.All;

    public bool DumpRestore { get; init; }

    public int DumpWorkers { get; init; } = 4;

    public int RestoreWorkers { get; init; } = 4;

    public int InsertionWorkers { get; init; } = 2;

    public long ChunkSizeBytes { get; init; } = ChunkPlannerOptions.DefaultChunkSizeBytes;

    public bool Verify { get; init; } = true;

    public bool DropTarget { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
