namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>Options for running a pipeline.</summary>
public sealed class AggregationOptions
{
    /// <summary>The source of randomness for $sample; inject a seeded one for deterministic tests.</summary>
    public Random Random { get; init; } = Random.Shared;
}
