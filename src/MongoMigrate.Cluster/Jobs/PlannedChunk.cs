namespace MongoMigrate.Cluster.Jobs;

/// <summary>One chunk of a collection: its index and its _id range filter (BSON bytes), exactly as the partitioner made them.</summary>
[GenerateSerializer]
[Immutable]
public sealed record PlannedChunk([property: Id(0)] int Index, [property: Id(1)] byte[] Filter, [property: Id(2)] string Description);
