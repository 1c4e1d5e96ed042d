using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>The sandbox's TTL monitor, as mongod's: a pass every interval deletes documents whose TTL date is older than the expiry.</summary>
public class TtlMonitorTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Expired_documents_are_deleted_at_the_next_pass_and_documents_without_an_old_date_stay()
    {
        var time = new FakeTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time, TtlMonitorInterval = TimeSpan.FromSeconds(60), NoopWriterInterval = TimeSpan.Zero }, Ct);
        var ns = new Namespace("ttl", "c");
        var old = Start.AddHours(-2);
        sandbox.Context.Catalog.Write(ns, store =>
        {
            store.AddIndex(TtlIndex(3600));
            store.Insert(Document(new BsonDocument { { "_id", "old" }, { "at", old.UtcDateTime } }));
            store.Insert(Document(new BsonDocument { { "_id", "array" }, { "at", new BsonArray { Start.UtcDateTime, old.UtcDateTime } } }));
            store.Insert(Document(new BsonDocument { { "_id", "recent" }, { "at", Start.AddMinutes(-30).UtcDateTime } }));
            store.Insert(Document(new BsonDocument { { "_id", "string" }, { "at", "2020-01-01" } }));
            store.Insert(Document(new BsonDocument { { "_id", "none" } }));
            return 0;
        });
        var before = sandbox.Context.ChangeLog.LastSequence;

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(5, Count(sandbox, ns));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["none", "recent", "string"], Ids(sandbox, ns));
        Assert.Equal(before + 2, sandbox.Context.ChangeLog.LastSequence);

        // Half an hour later the recent one is past its hour too.
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(["none", "string"], Ids(sandbox, ns));
    }

    [Fact]
    public async Task An_expiry_raised_by_coll_mod_keeps_the_documents_and_a_monitor_turned_off_deletes_nothing()
    {
        var time = new FakeTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time, TtlMonitorInterval = TimeSpan.FromSeconds(1), NoopWriterInterval = TimeSpan.Zero }, Ct);
        await using var off = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time, TtlMonitorInterval = TimeSpan.Zero, NoopWriterInterval = TimeSpan.Zero }, Ct);
        var ns = new Namespace("ttl", "c");
        foreach (var server in new[] { sandbox, off })
        {
            server.Context.Catalog.Write(ns, store =>
            {
                var index = TtlIndex(60);
                store.AddIndex(index);
                store.ReplaceIndex(index.With("expireAfterSeconds", (b, name) => b.Int32(name, int.MaxValue)));
                store.Insert(Document(new BsonDocument { { "_id", 1 }, { "at", Start.AddDays(-1).UtcDateTime } }));
                return 0;
            });
        }

        sandbox.Context.Catalog.Write(new Namespace("ttl", "d"), store =>
        {
            store.AddIndex(TtlIndex(60));
            store.Insert(Document(new BsonDocument { { "_id", 1 }, { "at", Start.AddDays(-1).UtcDateTime } }));
            return 0;
        });
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, Count(sandbox, ns));
        Assert.Equal(0, Count(sandbox, new Namespace("ttl", "d")));
        Assert.Equal(1, Count(off, ns));
    }

    private static IndexDefinition TtlIndex(int seconds) => new(
        "at_1",
        Document(new BsonDocument("at", 1)),
        Document(new BsonDocument { { "v", 2 }, { "key", new BsonDocument("at", 1) }, { "name", "at_1" }, { "expireAfterSeconds", seconds } }),
        unique: false,
        sparse: false,
        partialFilter: null);

    private static RawDocument Document(BsonDocument document) => new(document.ToBson());

    private static int Count(SandboxServer server, Namespace ns) => server.Context.Catalog.Read(ns, store => store?.Count ?? 0);

    private static List<string> Ids(SandboxServer server, Namespace ns) =>
        server.Context.Catalog.Read(ns, store => store!.Range(null, null, descending: false).Select(d => d.Id.AsString).Order(StringComparer.Ordinal).ToList());
}
