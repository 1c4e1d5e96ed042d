using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// hello as the driver's streaming monitor needs it: a topologyVersion in every reply, and an awaitable hello held
/// until its maxAwaitTimeMS has passed (or the client or the server goes away), never answered in a busy loop.
/// </summary>
public sealed class HelloCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_hello_carries_a_topology_version_whose_process_id_is_new_at_each_start()
    {
        await using var first = await SandboxServer.StartAsync(cancellationToken: Ct);
        await using var second = await SandboxServer.StartAsync(new SandboxOptions { ReplicaSetName = null }, Ct);

        var a = await HelloAsync(first, new BsonDocument("hello", 1));
        var again = await HelloAsync(first, new BsonDocument("isMaster", 1));
        var b = await HelloAsync(second, new BsonDocument("hello", 1));

        var version = a["topologyVersion"].AsBsonDocument;
        Assert.Equal(BsonType.ObjectId, version["processId"].BsonType);
        Assert.Equal(BsonType.Int64, version["counter"].BsonType);
        Assert.Equal(first.ProcessId, version["processId"].AsObjectId);
        Assert.Equal(version, again["topologyVersion"].AsBsonDocument);
        Assert.NotEqual(version["processId"], b["topologyVersion"]["processId"]);
    }

    [Fact]
    public async Task An_awaitable_hello_is_held_until_its_max_await_time_has_passed()
    {
        var time = new FakeTimeProvider();
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time }, Ct);
        var current = (await HelloAsync(server, new BsonDocument("hello", 1)))["topologyVersion"].AsBsonDocument;

        var held = HelloAsync(server, new BsonDocument { { "hello", 1 }, { "topologyVersion", current }, { "maxAwaitTimeMS", 5000 } });
        await WaitUntilAsync(() => server.HeldHelloCount == 1 || held.IsCompleted, "the server holds the hello");
        if (held.IsCompleted)
        {
            Assert.Fail($"the hello was answered without being held: {await held}");
        }
        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(held.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var reply = await held.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(current, reply["topologyVersion"].AsBsonDocument);
        Assert.Equal(1, server.HelloHeldToDeadlineCount);
        Assert.Equal(0, server.HeldHelloCount);
    }

    [Fact]
    public async Task An_awaitable_hello_that_knows_another_process_is_answered_at_once()
    {
        var time = new FakeTimeProvider();
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time }, Ct);
        var stale = new BsonDocument { { "processId", ObjectId.GenerateNewId() }, { "counter", 7L } };

        // Time never moves: only an answer that does not wait can come back.
        var reply = await HelloAsync(server, new BsonDocument { { "hello", 1 }, { "topologyVersion", stale }, { "maxAwaitTimeMS", 5000 } }).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(server.ProcessId, reply["topologyVersion"]["processId"].AsObjectId);
        Assert.Equal(1, server.AwaitableHelloCount);
        Assert.Equal(0, server.HelloHeldToDeadlineCount);
    }

    [Fact]
    public async Task Awaitable_hello_arguments_are_checked_as_mongod_checks_them()
    {
        await using var server = await SandboxServer.StartAsync(cancellationToken: Ct);
        var current = (await HelloAsync(server, new BsonDocument("hello", 1)))["topologyVersion"].AsBsonDocument;

        var onlyVersion = await Assert.ThrowsAsync<MongoCommandException>(() => HelloAsync(server, new BsonDocument { { "hello", 1 }, { "topologyVersion", current } }));
        var onlyWait = await Assert.ThrowsAsync<MongoCommandException>(() => HelloAsync(server, new BsonDocument { { "hello", 1 }, { "maxAwaitTimeMS", 10 } }));
        var ahead = new BsonDocument { { "processId", current["processId"] }, { "counter", current["counter"].AsInt64 + 1 } };
        var counterAhead = await Assert.ThrowsAsync<MongoCommandException>(() => HelloAsync(server, new BsonDocument { { "hello", 1 }, { "topologyVersion", ahead }, { "maxAwaitTimeMS", 10 } }));

        Assert.Equal((31368, 31368, 31382), (onlyVersion.Code, onlyWait.Code, counterAhead.Code));
        Assert.Contains("must include 'maxAwaitTimeMS'", onlyVersion.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_client_does_not_hammer_the_server_with_hellos()
    {
        await using var server = await SandboxServer.StartAsync(cancellationToken: Ct);
        var awaited = new ConcurrentQueue<long>();
        var sixth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = MongoClientSettings.FromConnectionString(server.ConnectionString);
        settings.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        settings.ClusterConfigurator = cluster => cluster.Subscribe<ServerHeartbeatSucceededEvent>(e =>
        {
            // Each awaited heartbeat notes the server's count of hellos at its end.
            if (e.Awaited)
            {
                awaited.Enqueue(server.HelloCount);
                if (awaited.Count == 6)
                {
                    sixth.TrySetResult();
                }
            }
        });
        using var client = new MongoClient(settings);
        await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);

        // The driver idles: five awaited heartbeats, each held by the server for the driver's 500 ms.
        await sixth.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var counts = awaited.ToArray();
        var hellos = counts[5] - counts[0];
        Assert.True(server.HelloHeldToDeadlineCount >= 5, $"only {server.HelloHeldToDeadlineCount} hellos were held until their deadline");

        // The five awaited ones and the round-trip monitor's (one per heartbeat interval); a busy loop makes thousands.
        Assert.InRange(hellos, 5, 20);
    }

    [Fact]
    public async Task Stopping_the_server_is_not_delayed_by_held_hellos()
    {
        // Time never moves, so a held hello would wait forever: only its cancellation lets the server stop.
        var time = new FakeTimeProvider();
        var server = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time }, Ct);
        using var client = new MongoClient(server.ConnectionString);
        await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        var current = (await HelloAsync(server, new BsonDocument("hello", 1)))["topologyVersion"].AsBsonDocument;
        var held = client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "hello", 1 }, { "topologyVersion", current }, { "maxAwaitTimeMS", 60_000 } },
            cancellationToken: Ct);
        await WaitUntilAsync(() => server.HeldHelloCount >= 2, "the server holds the driver's monitor hello and ours");

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await Assert.ThrowsAnyAsync<MongoException>(() => held);
        Assert.Equal(0, server.HelloHeldToDeadlineCount);
    }

    [Fact]
    public async Task A_held_hello_ends_when_its_client_goes_away()
    {
        var time = new FakeTimeProvider();
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time }, Ct);
        var current = (await HelloAsync(server, new BsonDocument("hello", 1)))["topologyVersion"].AsBsonDocument;
        using var client = new MongoClient($"mongodb://{server.Address}/?directConnection=true&serverMonitoringMode=poll");
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var held = client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "hello", 1 }, { "topologyVersion", current }, { "maxAwaitTimeMS", 60_000 } },
            cancellationToken: leave.Token);
        await WaitUntilAsync(() => server.HeldHelloCount == 1, "the server holds the hello");

        // A cancelled operation makes the driver close its connection.
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);

        await WaitUntilAsync(() => server.HeldHelloCount == 0, "the hello of the closed connection is let go");
        Assert.Equal(0, server.HelloHeldToDeadlineCount);
    }

    /// <summary>A hello on a fresh direct connection with no monitoring of its own worth counting.</summary>
    private static async Task<BsonDocument> HelloAsync(SandboxServer server, BsonDocument command)
    {
        using var client = new MongoClient($"mongodb://{server.Address}/?directConnection=true&serverMonitoringMode=poll");
        return await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting until {what}");
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
