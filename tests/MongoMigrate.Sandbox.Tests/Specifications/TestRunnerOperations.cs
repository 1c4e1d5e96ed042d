using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// The special operations on the 'testRunner' object: failPoint (remembered so it can be turned off
/// after the test), createEntities, and the collection and index existence assertions.
/// </summary>
public sealed class TestRunnerOperations(EntityMap entities, EntityFactory factory, IMongoClient internalClient)
{
    private readonly List<(IMongoClient Client, string Name)> _failPoints = [];

    public async Task ExecuteAsync(string name, OperationArguments arguments, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case "failPoint":
                var client = entities.Client(arguments.String("client")).Client;
                var failPoint = arguments.Document("failPoint");
                arguments.EnsureAllRead();
                var admin = client.GetDatabase("admin").WithReadPreference(ReadPreference.Primary);
                await admin.RunCommandAsync<BsonDocument>(failPoint, cancellationToken: cancellationToken);
                _failPoints.Add((client, failPoint["configureFailPoint"].AsString));
                break;
            case "createEntities":
                var declarations = arguments.Required("entities").AsBsonArray;
                arguments.EnsureAllRead();
                await factory.CreateAsync(declarations, entities, cancellationToken);
                break;
            case "assertCollectionExists":
            case "assertCollectionNotExists":
                var (database, collection) = (arguments.String("databaseName"), arguments.String("collectionName"));
                arguments.EnsureAllRead();
                var names = await (await internalClient.GetDatabase(database).ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
                Require(names.Contains(collection) == (name == "assertCollectionExists"), $"{name}: collection {database}.{collection}; the database holds [{string.Join(", ", names)}].");
                break;
            case "assertIndexExists":
            case "assertIndexNotExists":
                var (db, coll, index) = (arguments.String("databaseName"), arguments.String("collectionName"), arguments.String("indexName"));
                arguments.EnsureAllRead();
                var indexes = await (await internalClient.GetDatabase(db).GetCollection<BsonDocument>(coll).Indexes.ListAsync(cancellationToken)).ToListAsync(cancellationToken);
                var indexNames = indexes.Select(i => i["name"].AsString).ToList();
                Require(indexNames.Contains(index) == (name == "assertIndexExists"), $"{name}: index {index} on {db}.{coll}; it has [{string.Join(", ", indexNames)}].");
                break;
            default:
                throw new UnsupportedSpecificationFeatureException($"testRunner operation '{name}' is not supported by this runner.");
        }
    }

    /// <summary>Turns off every fail point the test configured, through the client that set it.</summary>
    public async Task DisableFailPointsAsync(CancellationToken cancellationToken)
    {
        foreach (var (client, name) in _failPoints)
        {
            var off = new BsonDocument { { "configureFailPoint", name }, { "mode", "off" } };
            await client.GetDatabase("admin").WithReadPreference(ReadPreference.Primary).RunCommandAsync<BsonDocument>(off, cancellationToken: cancellationToken);
        }

        _failPoints.Clear();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new SpecificationAssertionException(message);
        }
    }
}
