using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Datasets;

/// <summary>Fills collections with generated documents through raw insert commands, several batches at once.</summary>
public sealed class DatasetWriter(IMongoClient client)
{
    private const int BatchSize = 1000;

    /// <summary>Creates the collection's indexes and inserts its documents; reports documents written.</summary>
    public async Task WriteAsync(string database, CollectionSpec spec, int seed, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(client.GetDatabase(database));
        await runner.RunAsync(new BsonBuilder().StartDocument().String("create", spec.Name).End().ToDocument(), cancellationToken).ConfigureAwait(false);
        foreach (var index in spec.Indexes)
        {
            var command = new BsonBuilder().StartDocument().String("createIndexes", spec.Name).StartArray("indexes").Document("0", index).End().End().ToDocument();
            await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }

        var batches = (int)((spec.Documents + BatchSize - 1) / BatchSize);
        await Parallel.ForAsync(0, batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            var random = new Random(HashCode.Combine(seed, spec.Name, batch));
            var first = (long)batch * BatchSize;
            var count = (int)Math.Min(BatchSize, spec.Documents - first);
            var insert = new BsonBuilder(count * 512).StartDocument().String("insert", spec.Name).Boolean("ordered", false).StartArray("documents");
            for (var n = 0; n < count; n++)
            {
                insert.StartDocument(BsonBuilder.Index(n));
                DocumentShapes.Id(insert, spec.Ids, first + n, random);
                spec.Body(insert, first + n, random);
                insert.End();
            }

            await runner.RunAsync(insert.End().End().ToDocument(), token).ConfigureAwait(false);
            progress?.Report(count);
        }).ConfigureAwait(false);
    }

    /// <summary>Writes every collection of a dataset.</summary>
    public async Task WriteAllAsync(string database, IReadOnlyList<CollectionSpec> specs, int seed, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        foreach (var spec in specs)
        {
            await WriteAsync(database, spec, seed, progress, cancellationToken).ConfigureAwait(false);
        }
    }
}
