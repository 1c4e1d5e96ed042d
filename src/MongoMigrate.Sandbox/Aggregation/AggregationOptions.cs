using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>Options for running a pipeline.</summary>
public sealed class AggregationOptions
{
    /// <summary>The source of randomness for $sample; inject a seeded one for deterministic tests.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>The database the pipeline runs in: $lookup's and $unionWith's collections are read from it.</summary>
    public string Database { get; init; } = string.Empty;

    /// <summary>
    /// Reads another collection's (or view's) documents by database and name, for $lookup and $unionWith; null where
    /// no server is at hand (change streams, updates), which then refuses those stages.
    /// </summary>
    public Func<string, string, IReadOnlyList<RawDocument>>? ReadCollection { get; init; }

    /// <summary>The user variables the pipeline's expressions may read: a $lookup's <c>let</c>, bound per outer document.</summary>
    internal Expressions.VariableScope? Variables { get; init; }

    /// <summary>These options with other variables in scope.</summary>
    internal AggregationOptions WithVariables(Expressions.VariableScope? variables) =>
        new() { Random = Random, Database = Database, ReadCollection = ReadCollection, Variables = variables };
}
