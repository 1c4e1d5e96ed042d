using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Client operations: clientBulkWrite, listDatabases, listDatabaseNames.</summary>
public static class ClientOperations
{
    public static async Task<OperationResult> ExecuteAsync(string name, ClientEntity client, OperationArguments arguments, EntityMap entities, CancellationToken cancellationToken)
    {
        var session = arguments.Session();
        switch (name)
        {
            case "clientBulkWrite":
                var models = arguments.Required("models").AsBsonArray.Select(m => WriteModels.ParseClientModel(m.AsBsonDocument, entities)).ToList();
                var options = new ClientBulkWriteOptions
                {
                    IsOrdered = arguments.OptionalBoolean("ordered") ?? true,
                    BypassDocumentValidation = arguments.OptionalBoolean("bypassDocumentValidation"),
                    Comment = arguments.Optional("comment"),
                    Let = arguments.OptionalDocument("let"),
                    VerboseResult = arguments.OptionalBoolean("verboseResults") ?? false,
                    WriteConcern = arguments.OptionalDocument("writeConcern") is { } wc ? DriverOptions.WriteConcern(wc) : null,
                };
                arguments.EnsureAllRead();
                var result = session is null
                    ? await client.Client.BulkWriteAsync(models, options, cancellationToken)
                    : await client.Client.BulkWriteAsync(session, models, options, cancellationToken);
                return new OperationResult(ResultDocuments.FromClientBulkWrite(result));
            case "listDatabases":
            case "listDatabaseNames":
                var listOptions = new ListDatabasesOptions { Filter = arguments.OptionalDocument("filter"), NameOnly = arguments.OptionalBoolean("nameOnly") };
                arguments.EnsureAllRead();
                using (var cursor = session is null
                    ? await client.Client.ListDatabasesAsync(listOptions, cancellationToken)
                    : await client.Client.ListDatabasesAsync(session, listOptions, cancellationToken))
                {
                    var databases = await cursor.ToListAsync(cancellationToken);
                    return name == "listDatabases"
                        ? OperationResult.Documents(databases)
                        : new OperationResult(new BsonArray(databases.Select(d => d["name"])));
                }

            default:
                throw new UnsupportedSpecificationFeatureException($"client operation '{name}' is not supported by this runner.");
        }
    }
}
