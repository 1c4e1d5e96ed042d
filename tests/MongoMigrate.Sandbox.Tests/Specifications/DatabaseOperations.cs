using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Database operations: aggregate, createCollection (collections and views), dropCollection, listCollections, runCommand.</summary>
public static class DatabaseOperations
{
    public static async Task<OperationResult> ExecuteAsync(string name, IMongoDatabase database, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var session = arguments.Session();
        switch (name)
        {
            case "aggregate":
                return await AggregateAsync(database, arguments, session, cancellationToken);
            case "createCollection":
                await CreateCollectionAsync(database, arguments, session, cancellationToken);
                return OperationResult.None;
            case "dropCollection":
                var dropped = arguments.String("collection");
                arguments.EnsureAllRead();
                await (session is null ? database.DropCollectionAsync(dropped, cancellationToken) : database.DropCollectionAsync(session, dropped, cancellationToken: cancellationToken));
                return OperationResult.None;
            case "listCollections":
            case "listCollectionNames":
                var options = new ListCollectionsOptions { Filter = arguments.OptionalDocument("filter"), BatchSize = arguments.OptionalInt32("batchSize") };
                arguments.EnsureAllRead();
                using (var cursor = session is null ? await database.ListCollectionsAsync(options, cancellationToken) : await database.ListCollectionsAsync(session, options, cancellationToken))
                {
                    var collections = await cursor.ToListAsync(cancellationToken);
                    return name == "listCollections"
                        ? OperationResult.Documents(collections)
                        : new OperationResult(new BsonArray(collections.Select(c => c["name"])));
                }

            case "runCommand":
                var command = arguments.Document("command");
                _ = arguments.String("commandName");
                var readPreference = arguments.OptionalDocument("readPreference") is { } rp ? DriverOptions.ReadPreference(rp) : null;
                arguments.EnsureAllRead();
                var reply = session is null
                    ? await database.RunCommandAsync<BsonDocument>(command, readPreference, cancellationToken)
                    : await database.RunCommandAsync<BsonDocument>(session, command, readPreference, cancellationToken);
                return new OperationResult(reply, DocumentsAreRoot: true);
            default:
                throw new UnsupportedSpecificationFeatureException($"database operation '{name}' is not supported by this runner.");
        }
    }

    private static async Task<OperationResult> AggregateAsync(IMongoDatabase database, OperationArguments arguments, IClientSessionHandle? session, CancellationToken cancellationToken)
    {
        var stages = arguments.Required("pipeline").AsBsonArray;
        var pipeline = PipelineDefinition<NoPipelineInput, BsonDocument>.Create(stages.Select(s => s.AsBsonDocument));
        var options = CollectionReadOperations.AggregateOptions(arguments);
        arguments.EnsureAllRead();
        if (CollectionReadOperations.WritesOutput(stages))
        {
            await (session is null
                ? database.AggregateToCollectionAsync(pipeline, options, cancellationToken)
                : database.AggregateToCollectionAsync(session, pipeline, options, cancellationToken));
            return OperationResult.Documents([]);
        }

        using var cursor = session is null
            ? await database.AggregateAsync(pipeline, options, cancellationToken)
            : await database.AggregateAsync(session, pipeline, options, cancellationToken);
        return OperationResult.Documents(await cursor.ToListAsync(cancellationToken));
    }

    private static async Task CreateCollectionAsync(IMongoDatabase database, OperationArguments arguments, IClientSessionHandle? session, CancellationToken cancellationToken)
    {
        var name = arguments.String("collection");
        if (arguments.OptionalString("viewOn") is { } viewOn)
        {
            var pipeline = arguments.Has("pipeline") ? arguments.Pipeline() : PipelineDefinition<BsonDocument, BsonDocument>.Create(Array.Empty<BsonDocument>());
            var viewOptions = new CreateViewOptions<BsonDocument> { Collation = arguments.Collation() };
            arguments.EnsureAllRead();
            await (session is null
                ? database.CreateViewAsync(name, viewOn, pipeline, viewOptions, cancellationToken)
                : database.CreateViewAsync(session, name, viewOn, pipeline, viewOptions, cancellationToken));
            return;
        }

        var options = new CreateCollectionOptions<BsonDocument>
        {
            Capped = arguments.OptionalBoolean("capped"),
            MaxSize = arguments.OptionalInt64("size"),
            MaxDocuments = arguments.OptionalInt64("max"),
            Collation = arguments.Collation(),
            ExpireAfter = arguments.OptionalInt64("expireAfterSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            ValidationAction = arguments.OptionalString("validationAction") is { } action ? Enum.Parse<DocumentValidationAction>(action, ignoreCase: true) : null,
            ValidationLevel = arguments.OptionalString("validationLevel") is { } level ? Enum.Parse<DocumentValidationLevel>(level, ignoreCase: true) : null,
        };
        if (arguments.OptionalDocument("validator") is { } validator)
        {
            options.Validator = new BsonDocumentFilterDefinition<BsonDocument>(validator);
        }

        if (arguments.OptionalDocument("clusteredIndex") is { } clustered)
        {
            options.ClusteredIndex = new ClusteredIndexOptions<BsonDocument>
            {
                Key = clustered["key"].AsBsonDocument,
                Unique = clustered.GetValue("unique", true).ToBoolean(),
                Name = clustered.GetValue("name", BsonNull.Value) is BsonString n ? n.Value : null,
            };
        }

        if (arguments.OptionalDocument("changeStreamPreAndPostImages") is { } images)
        {
            options.ChangeStreamPreAndPostImagesOptions = new ChangeStreamPreAndPostImagesOptions(images);
        }

        if (arguments.OptionalDocument("timeseries") is { } timeseries)
        {
            options.TimeSeriesOptions = new TimeSeriesOptions(
                timeseries["timeField"].AsString,
                timeseries.GetValue("metaField", BsonNull.Value) is BsonString meta ? meta.Value : null,
                timeseries.GetValue("granularity", BsonNull.Value) is BsonString g ? Enum.Parse<TimeSeriesGranularity>(g.Value, ignoreCase: true) : null);
        }

        arguments.EnsureAllRead();
        await (session is null
            ? database.CreateCollectionAsync(name, options, cancellationToken)
            : database.CreateCollectionAsync(session, name, options, cancellationToken));
    }
}
