namespace MongoMigrate.Engine.State;

/// <summary>
/// A document key waiting in an online job's recheck queue: changed on the source (and the change applied to the
/// target) at <see cref="FirstSeen"/> and, latest, <see cref="LastSeen"/>, cluster times as 64-bit integers.
/// </summary>
public sealed record RecheckEntry
{
    public required string Namespace { get; init; }

    /// <summary>The _id as a one-field document <c>{_id: value}</c>, raw BSON.</summary>
    public required byte[] Id { get; init; }

    /// <summary>The oldest change not rechecked yet: the verifier's lag runs from here.</summary>
    public required ulong FirstSeen { get; init; }

    /// <summary>The latest change; a recheck settles the key only once changes up to here are applied.</summary>
    public required ulong LastSeen { get; init; }

    /// <summary>Rechecks that found the key different so far.</summary>
    public int Generation { get; init; }

    /// <summary>
    /// When the key was last found different, the source's cluster time just after that read: once changes up to then
    /// are applied and none came for the key since, that difference was not a change still on its way, and a difference
    /// found again is a mismatch. Null before a difference.
    /// </summary>
    public ulong? SuspectAt { get; init; }

    /// <summary>The key's <see cref="LastSeen"/> when it was found different: unchanged since, no change came for it.</summary>
    public ulong? SuspectLastSeen { get; init; }
}
