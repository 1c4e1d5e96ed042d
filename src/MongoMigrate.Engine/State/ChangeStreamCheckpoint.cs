namespace MongoMigrate.Engine.State;

/// <summary>
/// How far an online job has followed the source: the cluster time its capture started at (recorded before
/// the copy read anything), the spool sequence before which every change is durably applied, and the
/// resume token and cluster time of the last change so applied.
/// </summary>
public sealed record ChangeStreamCheckpoint
{
    public required string JobId { get; init; }

    /// <summary>The source's cluster time the change stream starts at.</summary>
    public required ulong StartTime { get; init; }

    /// <summary>Every spool record before this sequence number is applied; apply resumes here.</summary>
    public long Sequence { get; init; }

    /// <summary>The resume token of the last applied record (raw BSON), or null before the first.</summary>
    public byte[]? ResumeToken { get; init; }

    /// <summary>The source's cluster time of the last applied record (0 before the first).</summary>
    public ulong AppliedTime { get; init; }
}
