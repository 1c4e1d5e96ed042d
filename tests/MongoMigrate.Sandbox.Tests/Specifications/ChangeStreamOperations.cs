using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>createChangeStream on a client, database or collection: the aggregate runs at once, and the stream is saved as a cursor entity.</summary>
public static class ChangeStreamOperations
{
    public const string Name = "createChangeStream";

    public static async Task<OperationResult> CreateAsync(object target, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var pipeline = PipelineDefinition<ChangeStreamDocument<BsonDocument>, BsonDocument>.Create(
            arguments.Required("pipeline").AsBsonArray.Select(s => s.AsBsonDocument));
        var options = new ChangeStreamOptions
        {
            BatchSize = arguments.OptionalInt32("batchSize"),
            Comment = arguments.Optional("comment"),
            Collation = arguments.Collation(),
            MaxAwaitTime = arguments.OptionalMilliseconds("maxAwaitTimeMS"),
            ResumeAfter = arguments.OptionalDocument("resumeAfter"),
            StartAfter = arguments.OptionalDocument("startAfter"),
            ShowExpandedEvents = arguments.OptionalBoolean("showExpandedEvents"),
        };
        if (arguments.Optional("startAtOperationTime") is { } start)
        {
            options.StartAtOperationTime = start.AsBsonTimestamp;
        }

        if (arguments.OptionalString("fullDocument") is { } fullDocument)
        {
            options.FullDocument = Enum.Parse<ChangeStreamFullDocumentOption>(fullDocument, ignoreCase: true);
        }

        if (arguments.OptionalString("fullDocumentBeforeChange") is { } before)
        {
            options.FullDocumentBeforeChange = Enum.Parse<ChangeStreamFullDocumentBeforeChangeOption>(before, ignoreCase: true);
        }

        var session = arguments.Session();
        arguments.EnsureAllRead();
        IChangeStreamCursor<BsonDocument> cursor = (target, session) switch
        {
            (IMongoCollection<BsonDocument> collection, null) => await collection.WatchAsync(pipeline, options, cancellationToken),
            (IMongoCollection<BsonDocument> collection, _) => await collection.WatchAsync(session, pipeline, options, cancellationToken),
            (IMongoDatabase database, null) => await database.WatchAsync(pipeline, options, cancellationToken),
            (IMongoDatabase database, _) => await database.WatchAsync(session, pipeline, options, cancellationToken),
            (ClientEntity client, null) => await client.Client.WatchAsync(pipeline, options, cancellationToken),
            (ClientEntity client, _) => await client.Client.WatchAsync(session, pipeline, options, cancellationToken),
            _ => throw new UnsupportedSpecificationFeatureException($"createChangeStream on a {target.GetType().Name} is not supported."),
        };
        return new OperationResult(null, Entity: new CursorEntity(cursor));
    }
}
