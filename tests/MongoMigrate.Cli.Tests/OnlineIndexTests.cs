using System.Diagnostics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `migrate --online` and the target's unique and TTL indexes: while the job copies and follows, a TTL index on the
/// target deletes nothing the source still holds and a unique one refuses no replayed change; the cutover gives them their
/// own expiry and uniqueness back. Runs its own sandboxes: the source's TTL monitor is off (it keeps expired documents),
/// the target's runs every second.
/// </summary>
public sealed class OnlineIndexTests : IDisposable
{
    private const string Database = "onlineidx";
    private readonly string _work = Directory.CreateTempSubdirectory("mm-onlineidx-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_ttl_index_deletes_nothing_on_the_target_while_following_and_expires_again_after_the_cutover_which_also_makes_unique_indexes_unique()
    {
        var (source, sourceUri) = await SandboxProcess.StartAsync("rs0", Ct, "--ttl-monitor-sleep-secs", "0");
        var (target, targetUri) = await SandboxProcess.StartAsync("rs0", Ct, "--ttl-monitor-sleep-secs", "1");
        await using var sourceProcess = source;
        await using var targetProcess = target;
        using var sourceClient = new MongoClient(sourceUri);
        using var targetClient = new MongoClient(targetUri);
        var expired = DateTime.UtcNow.AddHours(-2);
        var sessions = sourceClient.GetDatabase(Database).GetCollection<BsonDocument>("sessions");
        await sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("at", 1), new CreateIndexOptions { Name = "at_1", ExpireAfter = TimeSpan.FromHours(1) }), cancellationToken: Ct);
        await sessions.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "_id", i }, { "at", expired } }), cancellationToken: Ct);
        var users = sourceClient.GetDatabase(Database).GetCollection<BsonDocument>("users");
        await users.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("email", 1), new CreateIndexOptions { Name = "email_1", Unique = true }), cancellationToken: Ct);
        await users.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "_id", i }, { "email", $"u{i}@example.com" } }), cancellationToken: Ct);

        const string JobId = "online-indexes";
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId, "--source", sourceUri, "--target", targetUri, "--include", $"{Database}.*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);

        // While following: more expired documents, a value moved from one user to another, and indexes created with them.
        await sessions.InsertManyAsync(Enumerable.Range(50, 20).Select(i => new BsonDocument { { "_id", i }, { "at", expired } }), cancellationToken: Ct);
        await users.UpdateOneAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Set("email", "moved@example.com"), cancellationToken: Ct);
        await users.UpdateOneAsync(new BsonDocument("_id", 2), Builders<BsonDocument>.Update.Set("email", "u1@example.com"), cancellationToken: Ct);
        var tokens = sourceClient.GetDatabase(Database).GetCollection<BsonDocument>("tokens");
        await tokens.InsertManyAsync(Enumerable.Range(0, 10).Select(i => new BsonDocument { { "_id", i }, { "code", i }, { "at", expired } }), cancellationToken: Ct);
        await tokens.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<BsonDocument>(new BsonDocument("code", 1), new CreateIndexOptions { Name = "code_1", Unique = true }),
                new CreateIndexModel<BsonDocument>(new BsonDocument("at", 1), new CreateIndexOptions { Name = "at_1", ExpireAfter = TimeSpan.FromMinutes(5) }),
            ],
            Ct);
        await OnlineJobWaits.ListenerAsync(migrate, _work, JobId, Ct);

        // Two whole passes of the target's TTL monitor once every index is there: a canary of its own expires each time.
        var targetSessions = targetClient.GetDatabase(Database).GetCollection<BsonDocument>("sessions");
        var targetTokens = targetClient.GetDatabase(Database).GetCollection<BsonDocument>("tokens");
        await WaitUntilAsync(async () => await targetTokens.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct) == 10 && (await IndexAsync(targetTokens, "at_1")) is not null, "the tokens collection never reached the target");
        await WaitForTtlPassesAsync(targetClient, 2);

        Assert.Equal(70, await targetSessions.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        Assert.Equal(10, await targetTokens.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        Assert.Equal(int.MaxValue, (await IndexAsync(targetSessions, "at_1"))!["expireAfterSeconds"].ToInt64());
        Assert.False((await IndexAsync(targetClient.GetDatabase(Database).GetCollection<BsonDocument>("users"), "email_1"))!.GetValue("unique", false).AsBoolean);

        await using var cutover = ChildProcess.Start(["cutover", "--job-id", JobId, "--work-dir", _work, "--json", "--timeout", "60"]);
        var cutoverExit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(cutoverExit == 0, $"cutover exit {cutoverExit}: {cutover.Output}{cutover.Error}\nmigrate: {migrate.Error}");
        using (var answer = JsonDocument.Parse(cutover.Output))
        {
            Assert.Contains("target equals source for 3 collections; lag 0", answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit == 0, $"migrate exit {exit}: {migrate.Error}\n{migrate.Output}");

        // The cutover gave every index its own back: the expiries, and uniqueness (no prepareUnique left).
        Assert.Equal(3600, (await IndexAsync(targetSessions, "at_1"))!["expireAfterSeconds"].ToInt64());
        Assert.Equal(300, (await IndexAsync(targetTokens, "at_1"))!["expireAfterSeconds"].ToInt64());
        foreach (var (collection, index) in new[] { ("users", "email_1"), ("tokens", "code_1") })
        {
            var spec = (await IndexAsync(targetClient.GetDatabase(Database).GetCollection<BsonDocument>(collection), index))!;
            Assert.True(spec.GetValue("unique", false).AsBoolean, spec.ToJson());
            Assert.False(spec.Contains("prepareUnique"), spec.ToJson());
        }

        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(() => targetClient.GetDatabase(Database).GetCollection<BsonDocument>("users").InsertOneAsync(new BsonDocument { { "_id", 999 }, { "email", "u1@example.com" } }, cancellationToken: Ct));
        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicate.WriteError.Category);

        // And the target's TTL monitor expires them now, as the source's would (its own is off: they go by hand there).
        await WaitUntilAsync(async () => await targetSessions.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct) == 0, "the target's TTL index never expired the sessions after the cutover");
        await WaitUntilAsync(async () => await targetTokens.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct) == 0, "the target's TTL index never expired the tokens after the cutover");
        await sessions.DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Ct);
        await tokens.DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Ct);
        await TargetComparison.AssertEqualAsync(sourceClient, targetClient, Database, Database, Ct);
    }

    /// <summary>Waits for <paramref name="passes"/> whole TTL monitor passes on the server: an expired canary document of its own is deleted each time.</summary>
    private static async Task WaitForTtlPassesAsync(IMongoClient client, int passes)
    {
        var canary = client.GetDatabase(Database + "_canary").GetCollection<BsonDocument>("canary");
        await canary.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("at", 1), new CreateIndexOptions { ExpireAfter = TimeSpan.Zero }), cancellationToken: Ct);
        for (var pass = 0; pass < passes; pass++)
        {
            await canary.InsertOneAsync(new BsonDocument { { "_id", pass }, { "at", DateTime.UtcNow.AddMinutes(-1) } }, cancellationToken: Ct);
            await WaitUntilAsync(async () => await canary.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct) == 0, "the target's TTL monitor never ran");
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), failure);
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<BsonDocument?> IndexAsync(IMongoCollection<BsonDocument> collection, string name) =>
        (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).SingleOrDefault(i => i["name"] == name);
}
