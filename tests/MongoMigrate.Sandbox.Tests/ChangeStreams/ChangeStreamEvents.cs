using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>Reads a given number of events from a stream, giving up after 20 seconds.</summary>
internal static class ChangeStreamEvents
{
    public static async Task<List<TEvent>> TakeAsync<TEvent>(IChangeStreamCursor<TEvent> stream, int count, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var events = new List<TEvent>();
        while (events.Count < count && await stream.MoveNextAsync(timeout.Token))
        {
            events.AddRange(stream.Current);
        }

        return events;
    }

    /// <summary>The raw events of a stream opened on BsonDocument output (DDL events, fragments, fields the typed document lacks).</summary>
    public static PipelineDefinition<ChangeStreamDocument<BsonDocument>, BsonDocument> Raw(params BsonDocument[] stages) =>
        PipelineDefinition<ChangeStreamDocument<BsonDocument>, BsonDocument>.Create(stages);
}
