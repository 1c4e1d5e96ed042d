using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// The continuous verification of an online job at one moment, beside the apply lag: keys waiting for a recheck, the
/// verifier's lag (the source's latest time less the oldest change not rechecked, in seconds; 0 with none waiting),
/// and the documents found mismatching.
/// </summary>
public sealed record RecheckStatus(long Pending, double LagSeconds, long Mismatches)
{
    /// <summary>The status of a queue, its lag taken against <paramref name="sourceTime"/> (a cluster time; 0 when unknown gives no lag).</summary>
    public static RecheckStatus Of(RecheckQueueSize size, ulong sourceTime) =>
        new(size.Pending, size.Oldest is { } oldest && sourceTime > oldest ? (sourceTime >> 32) - (double)(oldest >> 32) : 0, size.Mismatches);
}
