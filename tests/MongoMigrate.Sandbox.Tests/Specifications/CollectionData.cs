using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// initialData and outcome: collections are dropped and re-created before a test with "majority"
/// writes, and read back after it sorted by _id, with primary reads and "local" read concern.
/// </summary>
public sealed class CollectionData(IMongoClient internalClient)
{
    public async Task SetUpAsync(BsonArray initialData, CancellationToken cancellationToken)
    {
        foreach (var data in initialData.Select(d => d.AsBsonDocument))
        {
            var database = internalClient.GetDatabase(data["databaseName"].AsString).WithWriteConcern(WriteConcern.WMajority);
            var name = data["collectionName"].AsString;
            var documents = data["documents"].AsBsonArray.Select(d => d.AsBsonDocument.DeepClone().AsBsonDocument).ToList();
            await database.DropCollectionAsync(name, cancellationToken);
            if (data.TryGetValue("createOptions", out var createOptions))
            {
                var create = new BsonDocument("create", name).AddRange(createOptions.AsBsonDocument).Add("writeConcern", new BsonDocument("w", "majority"));
                await database.RunCommandAsync<BsonDocument>(create, cancellationToken: cancellationToken);
            }
            else if (documents.Count == 0)
            {
                await database.CreateCollectionAsync(name, cancellationToken: cancellationToken);
            }

            if (documents.Count > 0)
            {
                await database.GetCollection<BsonDocument>(name).InsertManyAsync(documents, cancellationToken: cancellationToken);
            }
        }
    }

    /// <summary>Collection contents must equal the expected documents exactly (types included), in _id order; only key order may differ.</summary>
    public async Task VerifyAsync(BsonArray outcome, string path, CancellationToken cancellationToken)
    {
        foreach (var data in outcome.Select(d => d.AsBsonDocument))
        {
            var ns = $"{data["databaseName"].AsString}.{data["collectionName"].AsString}";
            var collection = internalClient.GetDatabase(data["databaseName"].AsString)
                .GetCollection<BsonDocument>(data["collectionName"].AsString)
                .WithReadPreference(ReadPreference.Primary)
                .WithReadConcern(ReadConcern.Local);
            var actual = await collection.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("_id", 1)).ToListAsync(cancellationToken);
            var expected = data["documents"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
            var same = actual.Count == expected.Count && expected.Zip(actual).All(pair => ExactlyEqual(pair.First, pair.Second));
            if (!same)
            {
                throw new SpecificationAssertionException(
                    $"{path}[{ns}]: collection contents differ.{Environment.NewLine}  expected: {new BsonArray(expected).ToJson()}{Environment.NewLine}  actual:   {new BsonArray(actual).ToJson()}");
            }
        }
    }

    private static bool ExactlyEqual(BsonValue expected, BsonValue actual) => (expected, actual) switch
    {
        (BsonDocument e, BsonDocument a) => e.ElementCount == a.ElementCount
            && e.All(element => a.TryGetValue(element.Name, out var value) && ExactlyEqual(element.Value, value)),
        (BsonArray e, BsonArray a) => e.Count == a.Count && e.Zip(a).All(pair => ExactlyEqual(pair.First, pair.Second)),
        _ => expected.BsonType == actual.BsonType && expected.Equals(actual),
    };
}
