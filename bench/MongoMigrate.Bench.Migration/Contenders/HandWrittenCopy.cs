using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bench.Migration.Data;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// The copy a user writes by hand with the driver: one collection at a time, one cursor over it with
/// every document deserialized to BsonDocument, InsertMany of 1000 with the default options. (It is also
/// the copy that silently changes some values, such as DBPointers, in a BsonDocument round trip; here the data survives it.)
/// </summary>
public static class HandWrittenCopy
{
    public const string Name = "hand-written";

    public static async Task<ChildResult> RunAsync(ChildArguments arguments, CancellationToken cancellationToken)
    {
        using var sourceClient = new MongoClient(arguments.Source);
        using var targetClient = new MongoClient(arguments.Target);
        var source = sourceClient.GetDatabase(DatasetShape.Database);
        var target = targetClient.GetDatabase(DatasetShape.Database);
        long documents = 0;
        foreach (var name in await SourceDataset.CollectionNamesAsync(sourceClient, cancellationToken).ConfigureAwait(false))
        {
            var into = target.GetCollection<BsonDocument>(name);
            var batch = new List<BsonDocument>(1000);
            using var cursor = await source.GetCollection<BsonDocument>(name).FindAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var document in cursor.Current)
                {
                    batch.Add(document);
                    if (batch.Count == 1000)
                    {
                        await into.InsertManyAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
                        documents += batch.Count;
                        batch.Clear();
                    }
                }
            }

            if (batch.Count > 0)
            {
                await into.InsertManyAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
                documents += batch.Count;
            }
        }

        return new ChildResult(documents, 0);
    }
}
