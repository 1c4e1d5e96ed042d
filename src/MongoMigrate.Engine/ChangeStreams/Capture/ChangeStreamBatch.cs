using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// One batch of a change stream as the source sent it: raw events in order, the post-batch resume token
/// (how far the source has looked, events or not) and the reply's operationTime.
/// </summary>
public sealed record ChangeStreamBatch(IReadOnlyList<RawDocument> Events, RawDocument? PostBatchResumeToken, ulong? OperationTime)
{
    /// <summary>Where a stream resumes after this batch: its post-batch token, else its last event's.</summary>
    public RawDocument? ResumeToken => PostBatchResumeToken ?? (Events.Count > 0 ? Events[^1]["_id"].AsDocument : null);

    /// <summary>The latest cluster time the source has shown in this batch, from its token or its operationTime.</summary>
    public ulong? SourceTime
    {
        get
        {
            var fromToken = PostBatchResumeToken is { } token ? ResumeTokens.ClusterTimeOf(token) : null;
            return (fromToken, OperationTime) switch
            {
                (null, var operation) => operation,
                (var t, null) => t,
                (var t, var operation) => Math.Max(t!.Value, operation!.Value),
            };
        }
    }
}
