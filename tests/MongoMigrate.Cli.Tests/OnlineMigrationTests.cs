using System.Diagnostics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `migrate --online` as a child process while the application writes to the source, then `cutover` from another
/// process: both exit 0 only once the target equals the source byte for byte, which the test then checks itself.
/// </summary>
public sealed class OnlineMigrationTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private const int UserWritesBlocked = 371;

    private readonly string _work = Directory.CreateTempSubdirectory("mm-online-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData("dump-restore", false, 71)]
    [InlineData("direct", true, 72)]
    public async Task A_migration_followed_under_a_concurrent_writer_and_cut_over_from_another_process_ends_byte_for_byte_equal(string method, bool blockWrites, int seed)
    {
        var database = "online_" + method.Replace("-", string.Empty, StringComparison.Ordinal);
        var collections = await SeedAsync(database, seed);
        var jobId = $"online-{method}";
        var watch = Stopwatch.StartNew();
        var stages = new List<string>();
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--method", method, "--work-dir", _work, "--job-id", jobId, "--chunk-size", "1MB",
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{database}.*",
        ]);

        // The application writes while the job copies and follows: from the moment following has started.
        await WaitForPhaseAsync(migrate, jobId);
        stages.Add($"following from {watch.Elapsed.TotalSeconds:0.0} s");
        var bulkWrites = WriteBulkAsync(servers.SourceClient.GetDatabase(database).GetCollection<BsonDocument>("bulk"), seed);
        var writes = await ConcurrentWriter.RunAsync(collections, 1500, seed, Ct) + await bulkWrites;
        stages.Add($"writer done at {watch.Elapsed.TotalSeconds:0.0} s");
        await WaitForListenerAsync(migrate, jobId);
        stages.Add($"listening at {watch.Elapsed.TotalSeconds:0.0} s");
        var reordered = await ReorderATargetDocumentAsync(migrate, jobId, database);

        string[] cutoverArgs = ["cutover", "--job-id", jobId, "--work-dir", _work, "--json", "--timeout", "60"];
        await using var cutover = ChildProcess.Start(blockWrites ? [.. cutoverArgs, "--block-writes"] : cutoverArgs);
        var cutoverExit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        stages.Add($"cut over at {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(cutoverExit == 0, $"cutover exit {cutoverExit}: {cutover.Output}{cutover.Error}\nmigrate: {migrate.Error}");
        using (var answer = JsonDocument.Parse(cutover.Output))
        {
            var root = answer.RootElement;
            Assert.True(root.GetProperty("cutOver").GetBoolean());
            Assert.Contains("target equals source for 4 collections; lag 0", root.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(blockWrites, root.GetProperty("writesBlocked").GetBoolean());
            Assert.Equal(0, root.GetProperty("lagSeconds").GetInt32());

            // The continuous verification gated it: every change the writer made, during the copy and after, was queued
            // and rechecked up to T (nothing left waiting, the writer having stopped), with no mismatch.
            Assert.Contains("The continuous verification rechecked every change up to T: no mismatch", root.GetProperty("message").GetString(), StringComparison.Ordinal);
            var verifier = root.GetProperty("verifier");
            Assert.Equal(0, verifier.GetProperty("mismatches").GetInt64());
            Assert.Equal(0, verifier.GetProperty("rechecksPending").GetInt64());
            Assert.Empty(root.GetProperty("mismatches").EnumerateArray());

            // What a change replayed over a later state can leave (the fields in another order) is read again from the source.
            Assert.True(root.GetProperty("documentsRepaired").GetInt64() >= 1, $"_id {reordered} was not repaired: {cutover.Output}");
            if (!blockWrites)
            {
                Assert.Contains("writes made on the source after T are not included", root.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }

        var migrateExit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(migrateExit == 0, $"migrate exit {migrateExit}: {migrate.Error}\n{migrate.Output}");
        using (var summary = JsonDocument.Parse(migrate.Output))
        {
            var root = summary.RootElement;
            Assert.Equal("completed", root.GetProperty("status").GetString());
            Assert.True(root.GetProperty("cutover").GetProperty("cutOver").GetBoolean());
            Assert.Equal(4, root.GetProperty("cutover").GetProperty("collections").GetInt32());
            Assert.Equal(0, root.GetProperty("verifier").GetProperty("mismatches").GetInt64());
        }

        if (blockWrites)
        {
            // The source stays blocked after the cutover, as the report says; the test lets it write again.
            var refused = await Assert.ThrowsAsync<MongoWriteException>(() => collections[0].InsertOneAsync(new BsonDocument("_id", -1), cancellationToken: Ct));
            Assert.Equal(UserWritesBlocked, refused.WriteError.Code);
            await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "setUserWriteBlockMode", 1 }, { "global", false } }, cancellationToken: Ct);
        }

        await TargetComparison.AssertEqualAsync(servers.SourceClient, servers.TargetClient, database, database, Ct);
        var (code, jobs, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using var listed = JsonDocument.Parse(jobs);
        var online = listed.RootElement.GetProperty("jobs").EnumerateArray().Single().GetProperty("online");
        Assert.Equal("cut over", online.GetProperty("phase").GetString());
        Assert.Equal(0, online.GetProperty("lagSeconds").GetDouble());
        Assert.True(online.GetProperty("eventsApplied").GetInt64() > 0, jobs);
        Assert.Equal(0, online.GetProperty("verifier").GetProperty("mismatches").GetInt64());
        TestContext.Current.SendDiagnosticMessage($"online {method}: {writes} writes during the job; {string.Join(", ", stages)}; cutover {cutover.Output}");
    }

    /// <summary>Three small collections the writer works on, and a larger one (a few of its documents written too) whose copy takes a while.</summary>
    private async Task<IReadOnlyList<IMongoCollection<BsonDocument>>> SeedAsync(string database, int seed)
    {
        var db = servers.SourceClient.GetDatabase(database);
        await db.DropCollectionAsync("bulk", Ct);
        var bulk = db.GetCollection<BsonDocument>("bulk");
        var padding = new string('p', 1000);
        for (var batch = 0; batch < 10; batch++)
        {
            await bulk.InsertManyAsync(Enumerable.Range(batch * 2000, 2000).Select(i => new BsonDocument { { "_id", i }, { "g", i % 4 }, { "pad", padding } }), cancellationToken: Ct);
        }

        var small = new[] { "a", "b", "c" }.Select(name => db.GetCollection<BsonDocument>(name)).ToList();
        await ConcurrentWriter.SeedAsync(small, 150, seed, Ct);
        return small;
    }

    /// <summary>Single-document writes on the large collection, whose copy they overlap: $set, $unset, deletes and inserts.</summary>
    private static async Task<int> WriteBulkAsync(IMongoCollection<BsonDocument> bulk, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var id = random.Next(20_000);
            var byId = Builders<BsonDocument>.Filter.Eq("_id", id);
            _ = random.Next(4) switch
            {
                0 => await bulk.UpdateOneAsync(byId, Builders<BsonDocument>.Update.Set("touched", i).Inc("g", 1), cancellationToken: Ct) as object,
                1 => await bulk.UpdateOneAsync(byId, Builders<BsonDocument>.Update.Unset("pad"), cancellationToken: Ct),
                2 => await bulk.DeleteOneAsync(byId, Ct),
                _ => await bulk.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 100_000 + i), new BsonDocument { { "_id", 100_000 + i }, { "late", true } }, new ReplaceOptions { IsUpsert = true }, Ct),
            };
        }

        return 300;
    }

    /// <summary>
    /// Once every collection is copied and followed, rewrites one target document the writer changed with its fields in
    /// another order, as a change replayed over a later state can leave it: the same values, other bytes. Returns its _id.
    /// </summary>
    private async Task<BsonValue> ReorderATargetDocumentAsync(ChildProcess migrate, string jobId, string database)
    {
        var watch = Stopwatch.StartNew();
        while ((await JobSnapshot.ReadAsync(Path.Combine(_work, jobId), jobId, Ct)).OnlinePhase != "following")
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), "migrate --online never reached the following phase");
            await Task.Delay(20, Ct);
        }

        var bulk = servers.TargetClient.GetDatabase(database).GetCollection<BsonDocument>("bulk");
        var document = await bulk.Find(Builders<BsonDocument>.Filter.And(Builders<BsonDocument>.Filter.Exists("pad"), Builders<BsonDocument>.Filter.Exists("touched"))).FirstAsync(Ct);
        var reordered = new BsonDocument("_id", document["_id"]);
        foreach (var element in document.Elements.Where(e => e.Name != "_id").Reverse())
        {
            reordered.Add(element);
        }

        await bulk.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", document["_id"]), reordered, cancellationToken: Ct);
        return document["_id"];
    }

    /// <summary>Waits until the job has recorded its change stream start and saved its first online status.</summary>
    private async Task WaitForPhaseAsync(ChildProcess migrate, string jobId)
    {
        var watch = Stopwatch.StartNew();
        while ((await JobSnapshot.ReadAsync(Path.Combine(_work, jobId), jobId, Ct)).OnlinePhase is null)
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "migrate --online never started following");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>The running job listens for cutover requests once it holds its lock; the socket appears in its folder then.</summary>
    private async Task WaitForListenerAsync(ChildProcess migrate, string jobId)
    {
        var socket = Path.Combine(_work, jobId, "cutover.sock");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "migrate --online never listened for cutover requests");
            await Task.Delay(20, Ct);
        }
    }
}
