using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Sandbox.Storage;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Oplog;

public class DroppedDataMemoryTests
{
    private const int Cycles = 48;
    private static readonly string Blob = new('x', (2 * 1024 * 1024) - 64);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Documents_of_dropped_collections_are_given_back_once_the_change_log_moves_past_them()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var database = client.GetDatabase("db");
        WeakReference? first = null;

        for (var i = 0; i < Cycles; i++)
        {
            await database.GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument { { "_id", i }, { "blob", Blob } }, cancellationToken: Ct);
            first ??= BytesOf(sandbox, new Namespace("db", "c"), 0);
            await database.DropCollectionAsync("c", Ct);
        }

        AssertCollected(first!);
        AssertChangeLogWithinBudget(sandbox);
    }

    [Fact]
    public async Task Documents_of_dropped_databases_are_given_back_once_the_change_log_moves_past_them()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        WeakReference? first = null;

        for (var i = 0; i < Cycles; i++)
        {
            var name = "db" + i;
            await client.GetDatabase(name).GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument { { "_id", i }, { "blob", Blob } }, cancellationToken: Ct);
            first ??= BytesOf(sandbox, new Namespace(name, "c"), 0);
            await client.DropDatabaseAsync(name, Ct);
        }

        AssertCollected(first!);
        AssertChangeLogWithinBudget(sandbox);
        Assert.Empty(sandbox.Context.Catalog.DatabaseNames());
    }

    /// <summary>A weak reference to the array that holds a stored document's bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference BytesOf(SandboxServer sandbox, Namespace ns, int id)
    {
        var document = sandbox.Context.Catalog.Read(ns, store => store!.FindById(Val(id.ToString(CultureInfo.InvariantCulture)))!.Document);
        Assert.True(MemoryMarshal.TryGetArray(document.Bytes, out var segment));
        return new WeakReference(segment.Array);
    }

    private static void AssertCollected(WeakReference reference)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(reference.IsAlive, "the first dropped document is still held in memory");
    }

    private static void AssertChangeLogWithinBudget(SandboxServer sandbox) =>
        Assert.InRange(sandbox.Context.ChangeLog.RetainedBytes, 0, new SandboxOptions().ChangeLogMaxBytes);
}
