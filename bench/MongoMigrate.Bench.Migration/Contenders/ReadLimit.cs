using MongoDB.Driver;
using MongoMigrate.Bench.Migration.Data;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// The source's read limit: every collection drained with raw cursors (replies in pooled buffers, as the
/// engine reads), several collections at once, documents counted and dropped. Nothing is parsed beyond
/// the reply's framing, so this is what the source server (and the loopback) can hand out.
/// </summary>
public static class ReadLimit
{
    public const string Name = "read-limit";

    public static async Task<ChildResult> RunAsync(ChildArguments arguments, CancellationToken cancellationToken)
    {
        using var client = new MongoClient(arguments.Source);
        var runner = new RawCommandRunner(client.GetDatabase(DatasetShape.Database));
        var names = await SourceDataset.CollectionNamesAsync(client, cancellationToken).ConfigureAwait(false);
        long documents = 0, bytes = 0;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = arguments.Workers, CancellationToken = cancellationToken }, async (name, token) =>
        {
            // No batch size: the first batch is the server's default, every getMore fills its 16 MiB.
            var find = new BsonBuilder().StartDocument().String("find", name).StartDocument("filter").End().End().ToDocument();
            var cursor = await RawCursor.OpenPooledAsync(runner, find, null, token).ConfigureAwait(false);
            long n = 0, b = 0;
            while (await cursor.NextRawBatchAsync(token).ConfigureAwait(false) is { } batch)
            {
                using (batch)
                {
                    n += batch.Count;
                    b += batch.Bytes;
                }
            }

            Interlocked.Add(ref documents, n);
            Interlocked.Add(ref bytes, b);
        }).ConfigureAwait(false);
        return new ChildResult(documents, bytes);
    }
}
