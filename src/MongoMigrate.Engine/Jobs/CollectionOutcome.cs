using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Jobs;

/// <summary>How one collection ended in this run.</summary>
public sealed record CollectionOutcome
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public required CollectionStatus Status { get; init; }

    public long Documents { get; init; }

    public long Bytes { get; init; }

    public int Chunks { get; init; }

    public IReadOnlyList<ChunkFailure> FailedChunks { get; init; } = [];

    public IReadOnlyList<string> IndexErrors { get; init; } = [];

    public VerificationResult? Verification { get; init; }

    public string? Error { get; init; }
}
