namespace MongoMigrate.Engine.State;

/// <summary>A job as stored: its definition (never with secrets) and status.</summary>
public sealed record JobRecord
{
    public required string JobId { get; init; }

    /// <summary>The job definition as JSON, with URIs redacted.</summary>
    public required string DefinitionJson { get; init; }

    public required JobStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public string? Error { get; init; }
}
