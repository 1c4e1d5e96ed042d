using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Collection writes: inserts, updates, replace, deletes, findOneAndX and bulkWrite.</summary>
public static class CollectionWriteOperations
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "insertOne", "insertMany", "updateOne", "updateMany", "replaceOne", "deleteOne", "deleteMany",
        "findOneAndDelete", "findOneAndReplace", "findOneAndUpdate", "bulkWrite",
    };

    public static Task<OperationResult> ExecuteAsync(string name, IMongoCollection<BsonDocument> collection, OperationArguments arguments, EntityMap entities, CancellationToken cancellationToken) => name switch
    {
        "insertOne" => InsertOneAsync(collection, arguments, cancellationToken),
        "insertMany" => InsertManyAsync(collection, arguments, cancellationToken),
        "updateOne" => UpdateAsync(collection, arguments, many: false, cancellationToken),
        "updateMany" => UpdateAsync(collection, arguments, many: true, cancellationToken),
        "replaceOne" => ReplaceOneAsync(collection, arguments, cancellationToken),
        "deleteOne" => DeleteAsync(collection, arguments, many: false, cancellationToken),
        "deleteMany" => DeleteAsync(collection, arguments, many: true, cancellationToken),
        "findOneAndDelete" => FindOneAndDeleteAsync(collection, arguments, cancellationToken),
        "findOneAndReplace" => FindOneAndReplaceAsync(collection, arguments, cancellationToken),
        "findOneAndUpdate" => FindOneAndUpdateAsync(collection, arguments, cancellationToken),
        "bulkWrite" => BulkWriteAsync(collection, arguments, entities, cancellationToken),
        _ => throw new UnsupportedSpecificationFeatureException($"collection operation '{name}' is not supported by this runner."),
    };

    private static async Task<OperationResult> InsertOneAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var document = arguments.Document("document");
        var options = new InsertOneOptions { BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"), Comment = arguments.Optional("comment") };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        if (session is null)
        {
            await collection.InsertOneAsync(document, options, cancellationToken);
        }
        else
        {
            await collection.InsertOneAsync(session, document, options, cancellationToken);
        }

        // The driver adds a generated _id to the document it was given.
        return new OperationResult(new BsonDocument("insertedId", document.GetValue("_id", BsonNull.Value)));
    }

    private static async Task<OperationResult> InsertManyAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var documents = arguments.Required("documents").AsBsonArray.Select(d => d.AsBsonDocument).ToList();
        var options = new InsertManyOptions
        {
            IsOrdered = arguments.OptionalBoolean("ordered") ?? true,
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Comment = arguments.Optional("comment"),
        };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        if (session is null)
        {
            await collection.InsertManyAsync(documents, options, cancellationToken);
        }
        else
        {
            await collection.InsertManyAsync(session, documents, options, cancellationToken);
        }

        var ids = new BsonDocument(documents.Select((d, i) => new BsonElement(i.ToString(CultureInfo.InvariantCulture), d.GetValue("_id", BsonNull.Value))));
        return new OperationResult(new BsonDocument("insertedIds", ids));
    }

    private static UpdateOptions<BsonDocument> UpdateOptions(OperationArguments arguments, bool many)
    {
        var options = new UpdateOptions<BsonDocument>
        {
            IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
            ArrayFilters = WriteModels.ArrayFilters(arguments),
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Collation = arguments.Collation(),
            Hint = arguments.Optional("hint"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        if (!many && arguments.OptionalDocument("sort") is { } sort)
        {
            options.Sort = sort;
        }

        return options;
    }

    private static async Task<OperationResult> UpdateAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, bool many, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var update = arguments.Update();
        var options = UpdateOptions(arguments, many);
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var result = (many, session) switch
        {
            (true, null) => await collection.UpdateManyAsync(filter, update, options, cancellationToken),
            (true, _) => await collection.UpdateManyAsync(session, filter, update, options, cancellationToken),
            (false, null) => await collection.UpdateOneAsync(filter, update, options, cancellationToken),
            (false, _) => await collection.UpdateOneAsync(session, filter, update, options, cancellationToken),
        };
        return new OperationResult(ResultDocuments.FromUpdate(result));
    }

    private static async Task<OperationResult> ReplaceOneAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var replacement = arguments.Document("replacement");
        var options = new ReplaceOptions<BsonDocument>
        {
            IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Collation = arguments.Collation(),
            Hint = arguments.Optional("hint"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        if (arguments.OptionalDocument("sort") is { } sort)
        {
            options.Sort = sort;
        }

        var session = arguments.Session();
        arguments.EnsureAllRead();
        var result = session is null
            ? await collection.ReplaceOneAsync(filter, replacement, options, cancellationToken)
            : await collection.ReplaceOneAsync(session, filter, replacement, options, cancellationToken);
        return new OperationResult(ResultDocuments.FromReplace(result));
    }

    private static async Task<OperationResult> DeleteAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, bool many, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var options = new DeleteOptions
        {
            Collation = arguments.Collation(),
            Hint = arguments.Optional("hint"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var result = (many, session) switch
        {
            (true, null) => await collection.DeleteManyAsync(filter, options, cancellationToken),
            (true, _) => await collection.DeleteManyAsync(session, filter, options, cancellationToken),
            (false, null) => await collection.DeleteOneAsync(filter, options, cancellationToken),
            (false, _) => await collection.DeleteOneAsync(session, filter, options, cancellationToken),
        };
        return new OperationResult(ResultDocuments.FromDelete(result));
    }

    private static async Task<OperationResult> FindOneAndDeleteAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var options = new FindOneAndDeleteOptions<BsonDocument>
        {
            Projection = arguments.OptionalDocument("projection"),
            Sort = arguments.OptionalDocument("sort"),
            Collation = arguments.Collation(),
            Hint = arguments.Optional("hint"),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var document = session is null
            ? await collection.FindOneAndDeleteAsync(filter, options, cancellationToken)
            : await collection.FindOneAndDeleteAsync(session, filter, options, cancellationToken);
        return OperationResult.Document(document);
    }

    private static async Task<OperationResult> FindOneAndReplaceAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var replacement = arguments.Document("replacement");
        var options = new FindOneAndReplaceOptions<BsonDocument>
        {
            Projection = arguments.OptionalDocument("projection"),
            Sort = arguments.OptionalDocument("sort"),
            IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
            ReturnDocument = arguments.OptionalString("returnDocument") is { } r ? DriverOptions.ReturnDocument(r) : ReturnDocument.Before,
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Collation = arguments.Collation(),
            Hint = arguments.Optional("hint"),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var document = session is null
            ? await collection.FindOneAndReplaceAsync(filter, replacement, options, cancellationToken)
            : await collection.FindOneAndReplaceAsync(session, filter, replacement, options, cancellationToken);
        return OperationResult.Document(document);
    }

    private static async Task<OperationResult> FindOneAndUpdateAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var filter = arguments.Filter();
        var update = arguments.Update();
        var options = new FindOneAndUpdateOptions<BsonDocument>
        {
            Projection = arguments.OptionalDocument("projection"),
            Sort = arguments.OptionalDocument("sort"),
            IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
            ReturnDocument = arguments.OptionalString("returnDocument") is { } r ? DriverOptions.ReturnDocument(r) : ReturnDocument.Before,
            ArrayFilters = WriteModels.ArrayFilters(arguments),
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Collation = arguments.Collation(),
            Hint = arguments.Optional("hint"),
            MaxTime = arguments.OptionalMilliseconds("maxTimeMS"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var document = session is null
            ? await collection.FindOneAndUpdateAsync(filter, update, options, cancellationToken)
            : await collection.FindOneAndUpdateAsync(session, filter, update, options, cancellationToken);
        return OperationResult.Document(document);
    }

    private static async Task<OperationResult> BulkWriteAsync(IMongoCollection<BsonDocument> collection, OperationArguments arguments, EntityMap entities, CancellationToken cancellationToken)
    {
        var requests = arguments.Required("requests").AsBsonArray.Select(r => WriteModels.Parse(r.AsBsonDocument, entities)).ToList();
        var options = new BulkWriteOptions
        {
            IsOrdered = arguments.OptionalBoolean("ordered") ?? true,
            BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
            Comment = arguments.Optional("comment"),
            Let = arguments.OptionalDocument("let"),
        };
        var session = arguments.Session();
        arguments.EnsureAllRead();
        var result = session is null
            ? await collection.BulkWriteAsync(requests, options, cancellationToken)
            : await collection.BulkWriteAsync(session, requests, options, cancellationToken);
        return new OperationResult(ResultDocuments.FromBulkWrite(result));
    }
}
