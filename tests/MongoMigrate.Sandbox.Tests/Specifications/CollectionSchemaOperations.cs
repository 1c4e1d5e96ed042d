using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Collection operations that change the schema rather than documents: createIndex, dropIndex, rename.</summary>
public static class CollectionSchemaOperations
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "createIndex", "dropIndex", "rename" };

    public static async Task<OperationResult> ExecuteAsync(string name, IMongoCollection<BsonDocument> collection, OperationArguments arguments, CancellationToken cancellationToken)
    {
        var session = arguments.Session();
        switch (name)
        {
            case "createIndex":
                var keys = arguments.Document("keys");
                var options = new CreateIndexOptions
                {
                    Name = arguments.OptionalString("name"),
                    Unique = arguments.OptionalBoolean("unique"),
                    Sparse = arguments.OptionalBoolean("sparse"),
                    Hidden = arguments.OptionalBoolean("hidden"),
                };
                if (arguments.OptionalInt64("expireAfterSeconds") is { } seconds)
                {
                    options.ExpireAfter = TimeSpan.FromSeconds(seconds);
                }

                arguments.EnsureAllRead();
                var model = new CreateIndexModel<BsonDocument>(new BsonDocumentIndexKeysDefinition<BsonDocument>(keys), options);
                var created = session is null
                    ? await collection.Indexes.CreateOneAsync(model, cancellationToken: cancellationToken)
                    : await collection.Indexes.CreateOneAsync(session, model, cancellationToken: cancellationToken);
                return new OperationResult(created);
            case "dropIndex":
                var index = arguments.String("name");
                arguments.EnsureAllRead();
                await (session is null
                    ? collection.Indexes.DropOneAsync(index, cancellationToken)
                    : collection.Indexes.DropOneAsync(session, index, cancellationToken));
                return OperationResult.None;
            case "rename":
                var to = arguments.String("to");
                var renameOptions = new RenameCollectionOptions { DropTarget = arguments.OptionalBoolean("dropTarget") };
                arguments.EnsureAllRead();
                var database = collection.Database;
                var from = collection.CollectionNamespace.CollectionName;
                await (session is null
                    ? database.RenameCollectionAsync(from, to, renameOptions, cancellationToken)
                    : database.RenameCollectionAsync(session, from, to, renameOptions, cancellationToken));
                return OperationResult.None;
            default:
                throw new UnsupportedSpecificationFeatureException($"collection operation '{name}' is not supported by this runner.");
        }
    }
}
