using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Sandbox.Tests.Faults;

/// <summary>Each test owns its server: faults are server-wide and must not leak into other tests.</summary>
public class FaultInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_command_returns_the_programmed_code_and_labels_then_recovers()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString + "&retryWrites=false&retryReads=false");
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        sandbox.Faults.FailCommand("insert", 91, times: 1, "RetryableWriteError");

        var error = await Assert.ThrowsAnyAsync<MongoCommandException>(() => collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct));
        Assert.Equal(91, error.Code);
        Assert.True(error.HasErrorLabel("RetryableWriteError"));

        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        Assert.Equal(1, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task The_driver_retries_a_write_that_failed_with_a_retryable_label()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        sandbox.Faults.FailCommand("insert", 10107, times: 1, "RetryableWriteError");

        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        Assert.Equal(1, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task A_closed_connection_surfaces_as_a_network_error_and_the_next_command_reconnects()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString + "&retryReads=false");
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        sandbox.Faults.CloseConnectionOn("find");

        await Assert.ThrowsAnyAsync<MongoConnectionException>(() => collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct));

        Assert.Single(await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct));
    }

    [Fact]
    public async Task Connections_dropped_every_few_messages_still_let_retrying_clients_finish()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        sandbox.Faults.DropConnectionsEvery(7);

        var written = 0;
        for (var i = 0; i < 60; i++)
        {
            try
            {
                await collection.InsertOneAsync(new BsonDocument("_id", i), cancellationToken: Ct);
                written++;
            }
            catch (MongoConnectionException)
            {
                // Both the first try and the retry can land on a dropped message; the test only needs progress.
            }
        }

        sandbox.Faults.Clear();
        var stored = await collection.EstimatedDocumentCountAsync(cancellationToken: Ct);
        Assert.True(written > 30, $"only {written} inserts succeeded");
        Assert.InRange(stored, written, 60);
    }

    [Fact]
    public async Task Added_latency_delays_every_reply()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var admin = client.GetDatabase("admin");
        await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        sandbox.Faults.Latency = TimeSpan.FromMilliseconds(200);

        var watch = Stopwatch.StartNew();
        await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), $"ping took {watch.Elapsed}");
    }

    [Fact]
    public async Task Configure_fail_point_works_as_on_a_test_server()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString + "&retryReads=false");
        var admin = client.GetDatabase("admin");
        await admin.RunCommandAsync<BsonDocument>(
            BsonDocument.Parse("{configureFailPoint: 'failCommand', mode: {times: 2}, data: {failCommands: ['find'], errorCode: 43}}"),
            cancellationToken: Ct);
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");

        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct));
            Assert.Equal(43, error.Code);
        }

        Assert.Empty(await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_fail_point_after_execution_loses_the_reply_of_a_write_that_succeeded()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString + "&retryWrites=false");
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        sandbox.Faults.Add(new FailPoint { Commands = ["insert"], CloseConnection = true, AfterExecution = true });

        await Assert.ThrowsAnyAsync<MongoConnectionException>(() => collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct));

        Assert.Equal(1, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
    }
}
