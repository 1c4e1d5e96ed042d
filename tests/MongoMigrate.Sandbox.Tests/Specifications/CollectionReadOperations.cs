using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Collection reads: find, findOne, createFindCursor, aggregate, countDocuments, estimatedDocumentCount, count, distinct.</summary>
public static class CollectionReadOperations
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "find", "findOne", "createFindCursor", "aggregate", "countDocuments", "estimatedDocumentCount", "count", "distinct",
    };

    public static Task<OperationResult> ExecuteAsync(string name, IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken) => name switch
    {
        "find" => FindAsync(collection, arguments, cancellationToken),
        "findOne" => FindOneAsync(collection, arguments, cancellationToken),
        "createFindCursor" => CreateFindCursorAsync(collection, arguments, cancellationToken),
        "aggregate" => AggregateAsync(collection, arguments, cancellationToken),
        "countDocuments" => CountDocumentsAsync(collection, arguments, cancellationToken),
        "estimatedDocumentCount" => EstimatedDocumentCountAsync(collection, arguments, cancellationToken),
        "count" => CountAsync(collection, arguments, cancellationToken),
        "distinct" => DistinctAsync(collection, arguments, cancellationToken),
        _ => throw new UnsupportedSpecificationFeatureException($"collection operation '{name}' is not supported by this runner."),
    };

    /// <summary>find's options; findOne and createFindCursor take the same arguments.</summary>
    public static FindOptions<BsonDocument> FindOptions(OperationArguments arguments)
    {
        var options = new FindOptions<BsonDocument>
        {
            Sort = arguments.OptionalDocument("sort"),
            Projection = arguments.OptionalDocument("projection"),
            Skip = arguments.OptionalInt32("skip"),
            Limit = arguments.OptionalInt32("limit"),
            BatchSize = arguments.OptionalInt32("batchSize"),
            Comment = arguments.Optional("comment"),
            Hint = arguments.Optional("hint"),
            Max = arguments.OptionalDocument("max"),
            Min = arguments.OptionalDocument("min"),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            MaxAwaitTime = arguments.OptionalMilliseconds("maxAwaitTimeMS"),
            ReturnKey = arguments.OptionalBoolean("returnKey"),
            ShowRecordId = arguments.OptionalBoolean("showRecordId"),
            NoCursorTimeout = arguments.OptionalBoolean("noCursorTimeout"),
            AllowDiskUse = arguments.OptionalBoolean("allowDiskUse"),
            AllowPartialResults = arguments.OptionalBoolean("allowPartialResults"),
            Collation = arguments.Collation(),
            Let = arguments.OptionalDocument("let"),
        };
        if (arguments.OptionalString("cursorType") is { } cursorType)
        {
            options.CursorType = cursorType switch
            {
                "tailable" => CursorType.Tailable,
                "tailableAwait" => CursorType.TailableAwait,
                "nonTailable" => CursorType.NonTailable,
                _ => throw new FormatException($"cursorType '{cursorType}' is unknown."),
            };
        }

        return options;
    }

    private static async Task<IAsyncCursor<BsonDocument>> OpenFindCursorAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, FindOptions<BsonDocument> options, CancellationToken cancellationToken)
    {
        var filter = arguments.Has("filter") ? arguments.Filter() : FilterDefinition<BsonDocument>.Empty;
        var session = arguments.Session();
        arguments.EnsureAllRead();
        return session is null
            ? await collection.FindAsync(filter, options, cancellationToken)
            : await collection.FindAsync(session, filter, options, cancellationToken);
    }

    private static async Task<OperationResult> FindAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        using var cursor = await OpenFindCursorAsync(collection, arguments, FindOptions(arguments), cancellationToken);
        return OperationResult.Documents(await cursor.ToListAsync(cancellationToken));
    }

    private static async Task<OperationResult> FindOneAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var options = FindOptions(arguments);

        // The CRUD spec's findOne is a find with limit 1 in a single batch; a negative limit makes
        // the driver send exactly that (limit: 1, singleBatch: true).
        options.Limit = -1;
        using var cursor = await OpenFindCursorAsync(collection, arguments, options, cancellationToken);
        return OperationResult.Document(await cursor.FirstOrDefaultAsync(cancellationToken));
    }

    private static async Task<OperationResult> CreateFindCursorAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var cursor = await OpenFindCursorAsync(collection, arguments, FindOptions(arguments), cancellationToken);
        return new OperationResult(null, Entity: new CursorEntity(cursor));
    }

    /// <summary>aggregate's options (collection and database alike).</summary>
    public static AggregateOptions AggregateOptions(OperationArguments arguments)
    {
        var options = new AggregateOptions
        {
            BatchSize = arguments.OptionalInt32("batchSize"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            MaxAwaitTime = arguments.OptionalMilliseconds("maxAwaitTimeMS"),
            AllowDiskUse = arguments.OptionalBoolean("allowDiskUse"),
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Collation = arguments.Collation(),
        };
        if (arguments.Optional("hint") is { } hint)
        {
            options.Hint = hint;
        }

        return options;
    }

    /// <summary>Whether a pipeline writes its output ($out or $merge last), in which case it returns no documents.</summary>
    public static bool WritesOutput(BsonArray pipeline) =>
        pipeline.Count > 0 && pipeline[^1].AsBsonDocument.GetElement(0).Name is "$out" or "$merge";

    private static async Task<OperationResult> AggregateAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var stages = arguments.Required("pipeline").AsBsonArray;
        var pipeline = arguments.Pipeline();
        var options = AggregateOptions(arguments);
        var session = arguments.Session();
        var target = collection;
        if (arguments.OptionalDocument("readConcern") is { } readConcern)
        {
            target = target.WithReadConcern(DriverOptions.ReadConcern(readConcern));
        }

        if (arguments.OptionalDocument("writeConcern") is { } writeConcern)
        {
            target = target.WithWriteConcern(DriverOptions.WriteConcern(writeConcern));
        }

        arguments.EnsureAllRead();
        if (WritesOutput(stages))
        {
            // AggregateAsync would follow an $out with a find on the output collection; the format
            // expects only the aggregate command.
            if (session is null)
            {
                await target.AggregateToCollectionAsync(pipeline, options, cancellationToken);
            }
            else
            {
                await target.AggregateToCollectionAsync(session, pipeline, options, cancellationToken);
            }

            return OperationResult.Documents([]);
        }

        using var cursor = session is null
            ? await target.AggregateAsync(pipeline, options, cancellationToken)
            : await target.AggregateAsync(session, pipeline, options, cancellationToken);
        return OperationResult.Documents(await cursor.ToListAsync(cancellationToken));
    }

    private static CountOptions CountOptions(OperationArguments arguments)
    {
        var options = new CountOptions
        {
            Skip = arguments.OptionalInt64("skip"),
            Limit = arguments.OptionalInt64("limit"),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            Collation = arguments.Collation(),
            Comment = arguments.Optional("comment"),
        };
        if (arguments.Optional("hint") is { } hint)
        {
            options.Hint = hint;
        }

        return options;
    }

    private static async Task<OperationResult> CountDocumentsAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var options = CountOptions(arguments);
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var count = session is null
            ? await collection.CountDocumentsAsync(filter, options, cancellationToken)
            : await collection.CountDocumentsAsync(session, filter, options, cancellationToken);
        return new OperationResult(count);
    }

    private static async Task<OperationResult> EstimatedDocumentCountAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var options = new EstimatedDocumentCountOptions
        {
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            Comment = arguments.Optional("comment"),
        };
        arguments.EnsureAllRead();
        return new OperationResult(await collection.EstimatedDocumentCountAsync(options, cancellationToken));
    }

    private static async Task<OperationResult> CountAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var options = CountOptions(arguments);
        var session = arguments.Session();
        arguments.EnsureAllRead();

        // The deprecated count helper: the legacy 'count' command with query, skip and limit.
#pragma warning disable CS0618
        var count = session is null
            ? await collection.CountAsync(filter, options, cancellationToken)
            : await collection.CountAsync(session, filter, options, cancellationToken);
#pragma warning restore CS0618
        return new OperationResult(count);
    }

    private static async Task<OperationResult> DistinctAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var field = arguments.String("fieldName");
        var filter = arguments.Filter();
        var options = new DistinctOptions
        {
            Collation = arguments.Collation(),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            Comment = arguments.Optional("comment"),
        };

        var session = arguments.Session();
        arguments.EnsureAllRead();
        using var cursor = session is null
            ? await collection.DistinctAsync<BsonValue>(field, filter, options, cancellationToken)
            : await collection.DistinctAsync<BsonValue>(session, field, filter, options, cancellationToken);
        return new OperationResult(new BsonArray(await cursor.ToListAsync(cancellationToken)));
    }
}
