namespace MongoMigrate.Cluster.Jobs;

/// <summary>A chunk granted to one silo: the collection's position in the plan and the chunk's index there.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ChunkLease([property: Id(0)] int Collection, [property: Id(1)] int Chunk);
