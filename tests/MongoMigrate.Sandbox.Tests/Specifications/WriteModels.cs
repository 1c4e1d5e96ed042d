using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>bulkWrite's requests and clientBulkWrite's models: single-key objects naming the write type.</summary>
public static class WriteModels
{
    public static WriteModel<BsonDocument> Parse(BsonDocument request, EntityMap entities)
    {
        var (kind, spec) = Single(request);
        var arguments = new OperationArguments($"bulkWrite {kind}", spec, entities);
        WriteModel<BsonDocument> model = kind switch
        {
            "insertOne" => new InsertOneModel<BsonDocument>(arguments.Document("document")),
            "deleteOne" => new DeleteOneModel<BsonDocument>(arguments.Filter()) { Collation = arguments.Collation(), Hint = arguments.Optional("hint") },
            "deleteMany" => new DeleteManyModel<BsonDocument>(arguments.Filter()) { Collation = arguments.Collation(), Hint = arguments.Optional("hint") },
            "replaceOne" => new ReplaceOneModel<BsonDocument>(arguments.Filter(), arguments.Document("replacement"))
            {
                IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
                Collation = arguments.Collation(),
                Hint = arguments.Optional("hint"),
                Sort = arguments.OptionalDocument("sort"),
            },
            "updateOne" => new UpdateOneModel<BsonDocument>(arguments.Filter(), arguments.Update())
            {
                IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
                Collation = arguments.Collation(),
                Hint = arguments.Optional("hint"),
                ArrayFilters = ArrayFilters(arguments),
                Sort = arguments.OptionalDocument("sort"),
            },
            "updateMany" => new UpdateManyModel<BsonDocument>(arguments.Filter(), arguments.Update())
            {
                IsUpsert = arguments.OptionalBoolean("upsert") ?? false,
                Collation = arguments.Collation(),
                Hint = arguments.Optional("hint"),
                ArrayFilters = ArrayFilters(arguments),
            },
            _ => throw new UnsupportedSpecificationFeatureException($"bulkWrite request '{kind}' is not supported by this runner."),
        };
        arguments.EnsureAllRead();
        return model;
    }

    public static BulkWriteModel ParseClientModel(BsonDocument request, EntityMap entities)
    {
        var (kind, spec) = Single(request);
        var arguments = new OperationArguments($"clientBulkWrite {kind}", spec, entities);
        var ns = arguments.String("namespace");
        var dot = ns.IndexOf('.', StringComparison.Ordinal);
        var collectionNamespace = new CollectionNamespace(ns[..dot], ns[(dot + 1)..]);
        BulkWriteModel model = kind switch
        {
            "insertOne" => new BulkWriteInsertOneModel<BsonDocument>(collectionNamespace, arguments.Document("document")),
            "deleteOne" => new BulkWriteDeleteOneModel<BsonDocument>(collectionNamespace, arguments.Filter(), arguments.Collation(), arguments.Optional("hint")),
            "deleteMany" => new BulkWriteDeleteManyModel<BsonDocument>(collectionNamespace, arguments.Filter(), arguments.Collation(), arguments.Optional("hint")),
            "replaceOne" => new BulkWriteReplaceOneModel<BsonDocument>(
                collectionNamespace, arguments.Filter(), arguments.Document("replacement"), Sort(arguments), arguments.Collation(), arguments.Optional("hint"),
                arguments.OptionalBoolean("upsert") ?? false),
            "updateOne" => new BulkWriteUpdateOneModel<BsonDocument>(
                collectionNamespace, arguments.Filter(), arguments.Update(), Sort(arguments), arguments.Collation(), arguments.Optional("hint"),
                arguments.OptionalBoolean("upsert") ?? false, ArrayFilters(arguments)),
            "updateMany" => new BulkWriteUpdateManyModel<BsonDocument>(
                collectionNamespace, arguments.Filter(), arguments.Update(), arguments.Collation(), arguments.Optional("hint"),
                arguments.OptionalBoolean("upsert") ?? false, ArrayFilters(arguments)),
            _ => throw new UnsupportedSpecificationFeatureException($"clientBulkWrite model '{kind}' is not supported by this runner."),
        };
        arguments.EnsureAllRead();
        return model;
    }

    public static List<ArrayFilterDefinition>? ArrayFilters(OperationArguments arguments) =>
        arguments.Optional("arrayFilters") is BsonArray filters
            ? filters.Select(f => (ArrayFilterDefinition)new BsonDocumentArrayFilterDefinition<BsonValue>(f.AsBsonDocument)).ToList()
            : null;

    private static SortDefinition<BsonDocument>? Sort(OperationArguments arguments) =>
        arguments.OptionalDocument("sort") is { } sort ? new BsonDocumentSortDefinition<BsonDocument>(sort) : null;

    private static (string Kind, BsonDocument Spec) Single(BsonDocument request) =>
        request.ElementCount == 1
            ? (request.GetElement(0).Name, request[0].AsBsonDocument)
            : throw new FormatException($"A write request has exactly one key naming its type: {request.ToJson()}");
}
