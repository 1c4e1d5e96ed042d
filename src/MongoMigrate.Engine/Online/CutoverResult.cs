using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Engine.Online;

/// <summary>What a cutover did: cut over at T with the target equal to the source, or why not.</summary>
public sealed record CutoverResult
{
    /// <summary>True only when every change up to <see cref="ClusterTime"/> is applied and every collection rechecked equal.</summary>
    public required bool CutOver { get; init; }

    /// <summary>The source's cluster time T the cutover was taken at (BSON timestamp), 0 when it was not read.</summary>
    public ulong ClusterTime { get; init; }

    /// <summary>Collections rechecked.</summary>
    public int Collections { get; init; }

    /// <summary>Documents compared by _id on both sides.</summary>
    public long DocumentsRechecked { get; init; }

    /// <summary>Collections compared whole (their changed documents were not all known to this run, e.g. after a resume).</summary>
    public int CollectionsComparedWhole { get; init; }

    /// <summary>User writes on the source were blocked before T was read (and stay blocked after a successful cutover).</summary>
    /// <summary>Documents that still differed once their changes were applied, copied again from the source by _id before the last check.</summary>
    public long Repaired { get; init; }

    public bool WritesBlocked { get; init; }

    /// <summary>Why writes were not blocked although asked for, e.g. the server refused setUserWriteBlockMode.</summary>
    public string? WriteBlockNote { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>Documents the continuous verification found still different once every change to them was applied.</summary>
    public IReadOnlyList<RecheckMismatch> Mismatches { get; init; } = [];

    /// <summary>The continuous verification at the end of the cutover (pending rechecks, lag, mismatches); null without it.</summary>
    public RecheckStatus? Rechecks { get; init; }

    /// <summary>The collections that still differed, with what differs.</summary>
    public IReadOnlyList<VerificationResult> Differences { get; init; } = [];

    /// <summary>The one line for the user: "cut over at T: target equals source for N collections; lag 0", or why it is not.</summary>
    public required string Message { get; init; }

    /// <summary>The cluster time as people read it: Timestamp(seconds, increment) and the UTC time of its seconds.</summary>
    public static string Describe(ulong clusterTime)
    {
        var seconds = (long)(clusterTime >> 32);
        var increment = (uint)clusterTime;
        return $"Timestamp({seconds}, {increment}) ({DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)";
    }
}
