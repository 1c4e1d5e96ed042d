using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>createEntities: clients, databases, collections and sessions, in the order the file declares them.</summary>
public sealed class EntityFactory(string connectionString, ServerUnderTest server)
{
    public async Task CreateAsync(BsonArray declarations, EntityMap entities, CancellationToken cancellationToken)
    {
        foreach (var declaration in declarations.Select(d => d.AsBsonDocument))
        {
            if (declaration.ElementCount != 1)
            {
                throw new FormatException($"An entity declaration has exactly one key: {declaration.ToJson()}");
            }

            var kind = declaration.GetElement(0).Name;
            var spec = declaration[0].AsBsonDocument;
            var id = spec["id"].AsString;
            switch (kind)
            {
                case "client":
                    entities.Add(id, ClientEntity.Create(spec, connectionString, server));
                    break;
                case "database":
                    RequireOnly(spec, kind, "id", "client", "databaseName", "databaseOptions");
                    var client = entities.Client(spec["client"].AsString).Client;
                    entities.Add(id, client.GetDatabase(spec["databaseName"].AsString, DriverOptions.DatabaseSettings(spec.GetValue("databaseOptions", null)?.AsBsonDocument)));
                    break;
                case "collection":
                    RequireOnly(spec, kind, "id", "database", "collectionName", "collectionOptions");
                    var database = entities.Database(spec["database"].AsString);
                    entities.Add(id, database.GetCollection<BsonDocument>(spec["collectionName"].AsString, DriverOptions.CollectionSettings(spec.GetValue("collectionOptions", null)?.AsBsonDocument)));
                    break;
                case "session":
                    RequireOnly(spec, kind, "id", "client", "sessionOptions");
                    var owner = entities.Client(spec["client"].AsString).Client;
                    var options = SessionOptions(spec.GetValue("sessionOptions", null)?.AsBsonDocument);
                    entities.Add(id, await owner.StartSessionAsync(options, cancellationToken));
                    break;
                default:
                    throw new UnsupportedSpecificationFeatureException($"'{kind}' entities are not supported by this runner.");
            }
        }
    }

    private static void RequireOnly(BsonDocument spec, string kind, params string[] known)
    {
        var unknown = spec.Names.Except(known).ToList();
        if (unknown.Count > 0)
        {
            throw new UnsupportedSpecificationFeatureException($"{kind} entity option(s) {string.Join(", ", unknown)} are not supported by this runner.");
        }
    }

    private static ClientSessionOptions SessionOptions(BsonDocument? spec)
    {
        var options = new ClientSessionOptions();
        foreach (var option in spec ?? [])
        {
            switch (option.Name)
            {
                case "causalConsistency":
                    options.CausalConsistency = option.Value.ToBoolean();
                    break;
                case "snapshot":
                    options.Snapshot = option.Value.ToBoolean();
                    break;
                case "defaultTransactionOptions":
                    var transaction = option.Value.AsBsonDocument;
                    options.DefaultTransactionOptions = new TransactionOptions(
                        transaction.TryGetValue("readConcern", out var rc) ? DriverOptions.ReadConcern(rc.AsBsonDocument) : null,
                        transaction.TryGetValue("readPreference", out var rp) ? DriverOptions.ReadPreference(rp.AsBsonDocument) : null,
                        transaction.TryGetValue("writeConcern", out var wc) ? DriverOptions.WriteConcern(wc.AsBsonDocument) : null,
                        transaction.TryGetValue("maxCommitTimeMS", out var mct) ? TimeSpan.FromMilliseconds(mct.ToInt64()) : null);
                    break;
                default:
                    throw new UnsupportedSpecificationFeatureException($"session option '{option.Name}' is not supported by this runner.");
            }
        }

        return options;
    }
}
