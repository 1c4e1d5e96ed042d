namespace MongoMigrate.Dashboard.Contracts;

/// <summary>A verification started from the dashboard: the engine's verifier comparing the job's copied collections, byte for byte by _id.</summary>
/// <param name="VerifyJobId">The verifier's own job id.</param>
/// <param name="State">running, equal, different, stopped or failed.</param>
/// <param name="Phase">The verifier's phase (connecting, discovering, verifying, done).</param>
/// <param name="Percent">How far the comparison is.</param>
/// <param name="Collections">The collections it compares.</param>
/// <param name="CollectionsCompared">Collections fully compared so far.</param>
/// <param name="CollectionsDifferent">Collections found to differ.</param>
/// <param name="Mismatches">Documents that differ (missing, extra or different), over every collection.</param>
/// <param name="StartedAt">When it was started.</param>
/// <param name="FinishedAt">When it ended, or null while it runs.</param>
/// <param name="Message">The one line for the user.</param>
/// <param name="Differences">Each collection that differs and how (the first mismatching documents named).</param>
public sealed record VerificationRun(
    string VerifyJobId,
    string State,
    string Phase,
    double Percent,
    int Collections,
    int CollectionsCompared,
    int CollectionsDifferent,
    long Mismatches,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Message,
    IReadOnlyList<CollectionDifference> Differences);

/// <summary>One collection that differs: its counts, what differs in its options and indexes, the first documents that differ.</summary>
public sealed record CollectionDifference(
    string Source,
    string Target,
    long Missing,
    long Extra,
    long Different,
    IReadOnlyList<string> OptionDifferences,
    IReadOnlyList<string> IndexDifferences,
    IReadOnlyList<string> Documents,
    string? Error);
