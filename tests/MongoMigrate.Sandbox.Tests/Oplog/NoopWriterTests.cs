using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Tests.Oplog;

/// <summary>The periodic no-op that moves an idle replica set's cluster time on (mongod: every 10 s, periodicNoopIntervalSecs).</summary>
public class NoopWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_idle_sandbox_writes_a_no_op_each_interval_and_a_busy_one_does_not()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time, NoopWriterInterval = TimeSpan.FromSeconds(1) }, Ct);
        var log = sandbox.Context.ChangeLog;
        var start = log.LastSequence;

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(start + 1, log.LastSequence);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(start + 2, log.LastSequence);

        // A write within the interval is the log's progress; no no-op is added for it.
        sandbox.Context.Catalog.Write(new Namespace("d", "c"), store => store.Insert(new MongoMigrate.Bson.RawDocument(new BsonDocument("_id", 1).ToBson())));
        var afterWrite = log.LastSequence;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(afterWrite, log.LastSequence);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(afterWrite + 1, log.LastSequence);
    }

    [Fact]
    public async Task A_standalone_sandbox_writes_no_no_ops()
    {
        var time = new FakeTimeProvider();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time, ReplicaSetName = null }, Ct);
        var start = sandbox.Context.ChangeLog.LastSequence;

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(start, sandbox.Context.ChangeLog.LastSequence);
    }
}
