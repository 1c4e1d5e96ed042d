using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// What the continuous verification can say at a cluster time: every change up to <see cref="ClusterTime"/> was
/// rechecked on both sides, and these documents still differed after every change to them was applied.
/// </summary>
public sealed record RecheckVerdict(ulong ClusterTime, IReadOnlyList<RecheckMismatch> Mismatches)
{
    public bool Equal => Mismatches.Count == 0;
}
