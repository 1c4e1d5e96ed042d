namespace MongoMigrate.Engine.State;

/// <summary>An error as stored in the job's history: when, what it hit and why (secrets already removed).</summary>
public sealed record ErrorRecord
{
    public required DateTimeOffset At { get; init; }

    public required ErrorKind Kind { get; init; }

    public string? SourceNamespace { get; init; }

    public int? ChunkIndex { get; init; }

    /// <summary>The attempt of the chunk in its run (1 for the first), when known.</summary>
    public int? Attempt { get; init; }

    public required string Message { get; init; }
}
