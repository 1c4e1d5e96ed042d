using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// The aggregate that opens a change stream: <c>$changeStream</c> (on the whole cluster, or on the database the command
/// runs on), resumed after a token or started at an operation time, then a <c>$match</c> the server applies before
/// anything crosses the network.
/// </summary>
public static class ChangeStreamAggregateCommand
{
    /// <summary>mongod's "Unrecognized pipeline stage name": a server without $changeStreamSplitLargeEvent.</summary>
    public const int UnrecognizedStage = 40324;

    /// <summary>
    /// The command; exactly one of <paramref name="resumeAfter"/> and <paramref name="startAtOperationTime"/> says where it
    /// starts, and <paramref name="match"/> is the <c>$match</c> stage's filter. With <paramref name="splitLargeEvents"/> the
    /// pipeline ends with <c>$changeStreamSplitLargeEvent</c> (7.0, 6.0.9): events over 16 MiB come in fragments.
    /// </summary>
    public static RawDocument Build(bool allChangesForCluster, RawDocument? resumeAfter, ulong? startAtOperationTime, bool showExpandedEvents, RawDocument match, int batchSize, bool splitLargeEvents = false)
    {
        var builder = new BsonBuilder(match.Length + (resumeAfter?.Length ?? 0) + 256).StartDocument().Int32("aggregate", 1).StartArray("pipeline");
        builder.StartDocument("0").StartDocument("$changeStream");
        if (allChangesForCluster)
        {
            builder.Boolean("allChangesForCluster", true);
        }

        if (resumeAfter is { } token)
        {
            builder.Document("resumeAfter", token);
        }
        else
        {
            builder.Timestamp("startAtOperationTime", startAtOperationTime ?? throw new ArgumentException("A change stream starts after a token or at a time.", nameof(startAtOperationTime)));
        }

        if (showExpandedEvents)
        {
            builder.Boolean("showExpandedEvents", true);
        }

        builder.End().End();
        builder.StartDocument("1").Document("$match", match).End();
        if (splitLargeEvents)
        {
            // It must be the pipeline's last stage.
            builder.StartDocument("2").StartDocument("$changeStreamSplitLargeEvent").End().End();
        }

        builder.End().StartDocument("cursor").Int32("batchSize", batchSize).End();
        return builder.End().ToDocument();
    }
}
