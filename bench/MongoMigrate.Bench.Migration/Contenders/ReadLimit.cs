using MongoDB.Driver;
using MongoMigrate.Bench.Migration.Data;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// The source's read limit: every collection drained with raw cursors (replies in pooled buffers, as the
/// engine reads) in batches of <see cref="BatchSize"/>, several collections at once, documents counted and
/// dropped. Nothing is parsed beyond the reply's framing, so this is what the source server (and the
/// loopback) can hand out.
/// </summary>
public static class ReadLimit
{
    public const string Name = "read-limit";

    /// <summary>
    /// Documents per batch. The source hands out the most with batches of 1,000 to 8,000 documents (about
    /// 310 to 360 MB/s of 1 KB documents, 1.1 to 1.4 source CPU s/GB); the server's default getMore of 16 MiB
    /// gave about 210 MB/s at 3.1 to 3.2 source CPU s/GB on the same data, so a limit measured that way was
    /// low for large collections and not for small ones, whose batches are small anyway.
    /// </summary>
    public const int BatchSize = 1000;

    public static async Task<ChildResult> RunAsync(ChildArguments arguments, CancellationToken cancellationToken)
    {
        var (documents, bytes) = await DrainAsync(arguments.Source, arguments.Workers, cancellationToken).ConfigureAwait(false);
        return new ChildResult(documents, bytes);
    }

    /// <summary>Drains every collection of the benchmark database on <paramref name="uri"/>, <paramref name="workers"/> at once.</summary>
    public static async Task<(long Documents, long Bytes)> DrainAsync(string uri, int workers, CancellationToken cancellationToken)
    {
        using var client = new MongoClient(uri);
        var runner = new RawCommandRunner(client.GetDatabase(DatasetShape.Database));
        var names = await SourceDataset.CollectionNamesAsync(client, cancellationToken).ConfigureAwait(false);
        long documents = 0, bytes = 0;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, async (name, token) =>
        {
            var find = new BsonBuilder().StartDocument().String("find", name).StartDocument("filter").End()
                .Int32("batchSize", BatchSize).End().ToDocument();
            var cursor = await RawCursor.OpenPooledAsync(runner, find, BatchSize, token).ConfigureAwait(false);
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
        return (documents, bytes);
    }
}
