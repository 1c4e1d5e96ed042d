namespace MongoMigrate.Dashboard.Contracts;

/// <summary>A cutover asked for: under way, or its result (cut over at T with the target equal to the source, or why not).</summary>
/// <param name="State">asked (under way), cut over, or not cut over.</param>
/// <param name="CutOver">True once cut over at <paramref name="ClusterTime"/>.</param>
/// <param name="ClusterTime">The source's cluster time T it was taken at, as people read it; null before it is known.</param>
/// <param name="Collections">Collections rechecked.</param>
/// <param name="DocumentsRechecked">Documents compared by _id on both sides.</param>
/// <param name="Repaired">Documents copied again from the source because they still differed.</param>
/// <param name="WritesBlocked">User writes on the source were blocked before T was read.</param>
/// <param name="Differences">The collections that still differed, in a line each.</param>
/// <param name="Message">The one line for the user.</param>
/// <param name="AskedAt">When it was asked for.</param>
/// <param name="AnsweredAt">When the engine answered, or null while under way.</param>
public sealed record CutoverOutcome(
    string State,
    bool CutOver,
    string? ClusterTime,
    int Collections,
    long DocumentsRechecked,
    long Repaired,
    bool WritesBlocked,
    IReadOnlyList<string> Differences,
    string Message,
    DateTimeOffset AskedAt,
    DateTimeOffset? AnsweredAt);
