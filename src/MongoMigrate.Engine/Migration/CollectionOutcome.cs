using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Migration;

/// <summary>How one collection ended in this run.</summary>
public sealed record CollectionOutcome
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public required CollectionStatus Status { get; init; }

    /// <summary>Documents of every restored chunk, whichever run restored it.</summary>
    public long Documents { get; init; }

    public long Bytes { get; init; }

    /// <summary>Of <see cref="Documents"/>, those restored by earlier runs of the job.</summary>
    public long DocumentsBeforeRun { get; init; }

    /// <summary>Of <see cref="Bytes"/>, those restored by earlier runs of the job.</summary>
    public long BytesBeforeRun { get; init; }

    public int Chunks { get; init; }

    public IReadOnlyList<ChunkFailure> FailedChunks { get; init; } = [];

    public IReadOnlyList<string> IndexErrors { get; init; } = [];

    public VerificationResult? Verification { get; init; }

    /// <summary>Chunks whose documents <see cref="Verification"/> compared (by this run or, equal, an earlier one): all of them, or a sample.</summary>
    public int ChunksVerified { get; init; }

    /// <summary>Only a sample of the chunks was compared: <see cref="Verification"/> proves those, not the collection.</summary>
    public bool VerifiedSample => Verification is not null && ChunksVerified < Chunks;

    public string? Error { get; init; }
}
