using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>Where a change stream starts: after a resume token when there is one, else at an operation time the source gave.</summary>
public sealed record CapturePosition
{
    private CapturePosition(RawDocument? resumeToken, ulong? operationTime)
    {
        ResumeToken = resumeToken;
        OperationTime = operationTime;
    }

    public RawDocument? ResumeToken { get; }

    public ulong? OperationTime { get; }

    public static CapturePosition AfterToken(RawDocument token) => new(token, null);

    public static CapturePosition AtOperationTime(ulong clusterTime) => new(null, clusterTime);

    public override string ToString() => ResumeToken is { } token
        ? $"resume token {token}"
        : $"cluster time {ResumeTokens.Seconds(OperationTime ?? 0)}.{(uint)(OperationTime ?? 0)}";
}
