using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Migration;

/// <summary>How one collection ended in this run: its standing, what earlier runs had done, the chunks that failed and the verification.</summary>
public sealed record CollectionOutcome : CollectionStanding
{
    /// <summary>Of <see cref="CollectionStanding.Documents"/>, those restored by earlier runs of the job.</summary>
    public long DocumentsBeforeRun { get; init; }

    /// <summary>Of <see cref="CollectionStanding.Bytes"/>, those restored by earlier runs of the job.</summary>
    public long BytesBeforeRun { get; init; }

    public IReadOnlyList<ChunkFailure> FailedChunks { get; init; } = [];

    public VerificationResult? Verification { get; init; }

    /// <summary>Chunks whose documents <see cref="Verification"/> compared (by this run or, equal, an earlier one): all of them, or a sample.</summary>
    public int ChunksVerified { get; init; }

    /// <summary>Only a sample of the chunks was compared: <see cref="Verification"/> proves those, not the collection.</summary>
    public bool VerifiedSample => Verification is not null && ChunksVerified < Chunks;
}
