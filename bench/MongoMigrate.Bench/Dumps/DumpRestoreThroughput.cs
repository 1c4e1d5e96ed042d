using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Dumping;
using MongoMigrate.Engine.Restoring;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Bench.Dumps;

/// <summary>
/// MB/s of `dump` to an archive and `restore` from it, against the sandbox's own limits measured in the same run on
/// the same documents: draining raw cursors (read) and inserting pre-serialized raw batches (write), with the same
/// parallelism as the dump and restore. Each figure is the median of several rounds.
/// Run: dotnet run -c Release --project bench/MongoMigrate.Bench -- dump-throughput [--megabytes 256] [--collections 4] [--rounds 3] [--gzip]
/// </summary>
internal static class DumpRestoreThroughput
{
    private const string Database = "bench";
    private const int DocumentSize = 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var megabytes = Option(args, "--megabytes", 256);
        var collections = Option(args, "--collections", 4);
        var rounds = Option(args, "--rounds", 3);
        var gzip = args.Contains("--gzip");
        var perCollection = megabytes * 1024 / collections;
        var folder = Directory.CreateTempSubdirectory("mm-dump-bench-").FullName;
        try
        {
            await using var source = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 1000 });
            using var sourceClient = new MongoClient(source.ConnectionString);
            var batches = Enumerable.Range(0, collections).Select(c => Batches(c, perCollection)).ToList();
            var bytes = (long)collections * perCollection * DocumentSize;
            Console.WriteLine($"{collections} collections x {perCollection:N0} documents of {DocumentSize} B = {bytes / 1048576.0:N0} MB, {rounds} rounds, archive{(gzip ? " gzipped" : string.Empty)} in {folder}");
            await WriteRawAsync(sourceClient, batches, "c", insertionWorkers: 2);

            var results = new Dictionary<string, List<double>>();
            void Record(string name, TimeSpan elapsed) =>
                (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(bytes / 1048576.0 / elapsed.TotalSeconds);

            for (var round = 0; round < rounds; round++)
            {
                Record("sandbox read: raw cursor drain, 1 per collection in parallel", await TimeAsync(() => DrainAsync(sourceClient, collections)));

                var archive = Path.Combine(folder, "bench.archive");
                Record("dump to archive (-j " + collections + ")", await TimeAsync(() => DumpAsync(source, archive, collections, gzip)));
                var archiveBytes = new FileInfo(archive).Length;

                await using (var target = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 1000 }))
                {
                    using var targetClient = new MongoClient(target.ConnectionString);
                    Record("sandbox write: pre-serialized raw inserts, 2 in flight per collection", await TimeAsync(() => WriteRawAsync(targetClient, batches, "c", insertionWorkers: 2)));
                }

                await using (var target = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 1000 }))
                {
                    Record("restore from archive (-j " + collections + ", --insertion-workers 2)", await TimeAsync(() => RestoreAsync(target, archive, Path.Combine(folder, "work"))));
                }

                Console.WriteLine($"round {round + 1}: " + string.Join(", ", results.Select(r => $"{Short(r.Key)} {r.Value[^1]:N1}")) + $" MB/s; archive {archiveBytes / 1048576.0:N0} MB");
                File.Delete(archive);
            }

            Console.WriteLine();
            Console.WriteLine("| measurement | median MB/s | rounds |");
            Console.WriteLine("|---|---:|---|");
            foreach (var (name, values) in results)
            {
                Console.WriteLine($"| {name} | {Median(values):N1} | {string.Join(", ", values.Select(v => v.ToString("N1", CultureInfo.InvariantCulture)))} |");
            }

            var read = Median(results.First(r => r.Key.StartsWith("sandbox read", StringComparison.Ordinal)).Value);
            var write = Median(results.First(r => r.Key.StartsWith("sandbox write", StringComparison.Ordinal)).Value);
            var dump = Median(results.First(r => r.Key.StartsWith("dump", StringComparison.Ordinal)).Value);
            var restore = Median(results.First(r => r.Key.StartsWith("restore", StringComparison.Ordinal)).Value);
            Console.WriteLine();
            Console.WriteLine($"dump / sandbox read = {dump / read:P0}; restore / sandbox write = {restore / write:P0}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task DumpAsync(SandboxServer source, string archive, int collections, bool gzip)
    {
        using var coordinator = new WorkerPoolCoordinator();
        var options = new DumpJobOptions { Destination = DumpLocation.ArchiveFile(archive), ParallelCollections = collections, Gzip = gzip };
        var summary = await new DumpJob(MongoEndpoint.Parse("source", source.ConnectionString), options, coordinator, NullLoggerFactory.Instance).RunAsync(CancellationToken.None);
        if (summary.Status != Engine.State.JobStatus.Completed)
        {
            throw new InvalidOperationException("dump failed: " + summary.Reason);
        }
    }

    private static async Task RestoreAsync(SandboxServer target, string archive, string work)
    {
        using var coordinator = new WorkerPoolCoordinator();
        var options = new RestoreJobOptions { Source = DumpLocation.ArchiveFile(archive), WorkDirectory = work, InsertionWorkers = 2 };
        var summary = await new RestoreJob(MongoEndpoint.Parse("target", target.ConnectionString), options, coordinator, NullLoggerFactory.Instance).RunAsync(CancellationToken.None);
        if (summary.Status != Engine.State.JobStatus.Completed)
        {
            throw new InvalidOperationException("restore failed: " + summary.Reason);
        }
    }

    /// <summary>Reads every document of every collection through raw find/getMore cursors, one per collection at once.</summary>
    private static async Task DrainAsync(MongoClient client, int collections)
    {
        var database = client.GetDatabase(Database);
        await Task.WhenAll(Enumerable.Range(0, collections).Select(async c =>
        {
            var options = new FindOptions<RawBsonDocument> { BatchSize = 2000 };
            using var cursor = await database.GetCollection<RawBsonDocument>("c" + c).FindAsync(FilterDefinition<RawBsonDocument>.Empty, options);
            while (await cursor.MoveNextAsync())
            {
                foreach (var document in cursor.Current)
                {
                    document.Dispose();
                }
            }
        }));
    }

    /// <summary>Inserts the prepared batches, unordered, with the given number of inserts in flight per collection.</summary>
    private static async Task WriteRawAsync(MongoClient client, List<List<RawBsonDocument[]>> batches, string prefix, int insertionWorkers)
    {
        var database = client.GetDatabase(Database);
        var options = new InsertManyOptions { IsOrdered = false, BypassDocumentValidation = true };
        await Task.WhenAll(batches.Select(async (collection, c) =>
        {
            var target = database.GetCollection<RawBsonDocument>(prefix + c);
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, insertionWorkers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < collection.Count)
                {
                    await target.InsertManyAsync(collection[i], options);
                }
            }));
        }));
    }

    /// <summary>Distinct documents of word-like text (so gzip sees realistic input), 1000 to a batch.</summary>
    private static List<RawBsonDocument[]> Batches(int collection, int documents)
    {
        var random = new Random(collection);
        var words = Enumerable.Range(0, 500).Select(_ => new string(Enumerable.Range(0, random.Next(2, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
        var result = new List<RawBsonDocument[]>();
        for (var start = 0; start < documents; start += 1000)
        {
            result.Add(Enumerable.Range(start, Math.Min(1000, documents - start)).Select(i =>
            {
                var text = new System.Text.StringBuilder();
                while (text.Length < DocumentSize)
                {
                    text.Append(words[random.Next(words.Length)]).Append(' ');
                }

                var builder = new BsonBuilder(DocumentSize + 64).StartDocument().Int32("_id", i).Int64("n", random.NextInt64());
                // The string element takes 9 bytes besides its text (type, "s\0", length, NUL) and the document's end 1 more.
                return new RawBsonDocument(builder.String("s", text.ToString(0, DocumentSize - builder.Length - 9)).End().ToArray());
            }).ToArray());
        }

        return result;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Short(string name) => name[..name.IndexOfAny([':', '('])].Trim();

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
