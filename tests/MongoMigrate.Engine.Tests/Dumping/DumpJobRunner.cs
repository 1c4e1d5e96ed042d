using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Dumping;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Restoring;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Dumping;

/// <summary>Runs dump and restore jobs against sandboxes, and reads back what they wrote, as raw bytes.</summary>
internal static class DumpJobRunner
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<DumpJobSummary> RestoreAsync(SandboxServer target, DumpLocation source, string workDirectory, Func<RestoreJobOptions, RestoreJobOptions>? adjust = null, CancellationToken? cancellationToken = null, ILoggerFactory? loggers = null)
    {
        using var coordinator = new WorkerPoolCoordinator();
        var options = new RestoreJobOptions { Source = source, WorkDirectory = workDirectory };
        options = adjust?.Invoke(options) ?? options;
        var job = new RestoreJob(MongoEndpoint.Parse("target", target.ConnectionString), options, coordinator, loggers ?? NullLoggerFactory.Instance);
        return await job.RunAsync(cancellationToken ?? Ct);
    }

    public static async Task<DumpJobSummary> DumpAsync(SandboxServer source, DumpLocation destination, Func<DumpJobOptions, DumpJobOptions>? adjust = null, CancellationToken? cancellationToken = null, ILoggerFactory? loggers = null)
    {
        using var coordinator = new WorkerPoolCoordinator();
        var options = new DumpJobOptions { Destination = destination };
        options = adjust?.Invoke(options) ?? options;
        var job = new DumpJob(MongoEndpoint.Parse("source", source.ConnectionString), options, coordinator, loggers ?? NullLoggerFactory.Instance);
        return await job.RunAsync(cancellationToken ?? Ct);
    }

    /// <summary>Every document of a collection, in _id order, as the exact bytes the server returns.</summary>
    public static async Task<List<byte[]>> ReadCollectionAsync(IMongoClient client, NamespaceName ns)
    {
        var runner = new RawCommandRunner(client.GetDatabase(ns.Database));
        var find = new BsonBuilder().StartDocument().String("find", ns.Collection).StartDocument("sort").Int32("_id", 1).End().End().ToDocument();
        var cursor = await RawCursor.OpenAsync(runner, find, null, Ct);
        return [.. (await cursor.ToListAsync(Ct)).Select(d => d.Bytes.ToArray())];
    }

    /// <summary>The documents of a .bson file (gunzipped when it ends in .gz), in file order.</summary>
    public static async Task<List<byte[]>> ReadFileAsync(string path)
    {
        var documents = new List<byte[]>();
        await using var reader = BsonStreamReader.OpenFile(path);
        while (await reader.ReadAsync(Ct))
        {
            documents.Add(reader.CopyCurrent());
        }

        return documents;
    }

    public static ulong Crc(IEnumerable<byte[]> documents)
    {
        var crc = new Crc64();
        foreach (var document in documents)
        {
            crc.Append(document);
        }

        return crc.Value;
    }

    /// <summary>Both lists hold the same documents byte for byte, whatever their order.</summary>
    public static void AssertSameDocuments(IEnumerable<byte[]> expected, IEnumerable<byte[]> actual, string what)
    {
        var left = expected.Select(Convert.ToHexString).Order(StringComparer.Ordinal).ToList();
        var right = actual.Select(Convert.ToHexString).Order(StringComparer.Ordinal).ToList();
        Assert.True(left.Count == right.Count, $"{what}: {left.Count} documents expected, {right.Count} found");
        for (var i = 0; i < left.Count; i++)
        {
            Assert.True(left[i] == right[i], $"{what}: document {i} differs:\n{left[i]}\n{right[i]}");
        }
    }

    /// <summary>True when a document's first field is _id, so the server stores it as sent (otherwise it adds one).</summary>
    public static bool StartsWithId(byte[] document) =>
        document.Length > 8 && document[5] == (byte)'_' && document[6] == (byte)'i' && document[7] == (byte)'d' && document[8] == 0;
}
