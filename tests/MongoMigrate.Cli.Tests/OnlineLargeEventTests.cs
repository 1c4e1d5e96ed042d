using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `migrate --online` when the source writes a document whose change event is over 16 MiB: the capture asks for it in
/// fragments ($changeStreamSplitLargeEvent), puts it together again, and the target gets the document.
/// </summary>
public sealed class OnlineLargeEventTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private const int MaxBsonSize = 16 * 1024 * 1024;

    private readonly string _work = Directory.CreateTempSubdirectory("mm-onlinelarge-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task An_insert_and_a_replace_whose_events_are_over_16_MiB_are_followed_and_the_target_equals_the_source()
    {
        const string Database = "onlinelarge";
        await servers.SourceClient.DropDatabaseAsync(Database, Ct);
        await servers.TargetClient.DropDatabaseAsync(Database, Ct);
        var collection = servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync(Enumerable.Range(0, 20).Select(i => new BsonDocument { { "_id", i }, { "v", i } }), cancellationToken: Ct);
        const string JobId = "online-large";
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId,
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);

        // Documents a few hundred bytes under 16 MiB: with the event's own fields (its token counted twice) over 16 MiB.
        var big = NearlyMaximal("big", 'a');
        Assert.True(big.ToBson().Length > MaxBsonSize - 512, "the document must leave its event no room under 16 MiB");
        await collection.InsertOneAsync(big, cancellationToken: Ct);
        await collection.UpdateOneAsync(new BsonDocument("_id", 3), Builders<BsonDocument>.Update.Set("after", "big insert"), cancellationToken: Ct);
        await collection.ReplaceOneAsync(new BsonDocument("_id", "big"), NearlyMaximal("big", 'b'), cancellationToken: Ct);
        await collection.DeleteOneAsync(new BsonDocument("_id", 4), Ct);

        await OnlineJobWaits.ListenerAsync(migrate, _work, JobId, Ct);
        await using var cutover = ChildProcess.Start(["cutover", "--job-id", JobId, "--work-dir", _work, "--json", "--timeout", "120"]);
        var cutoverExit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(3), Ct);
        Assert.True(cutoverExit == 0, $"cutover exit {cutoverExit}: {cutover.Output}{cutover.Error}\nmigrate: {migrate.Error}");
        using (var answer = JsonDocument.Parse(cutover.Output))
        {
            Assert.Contains("target equals source for 1 collections; lag 0", answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit == 0, $"migrate exit {exit}: {migrate.Error}\n{migrate.Output}");
        var copied = await servers.TargetClient.GetDatabase(Database).GetCollection<BsonDocument>("c").Find(new BsonDocument("_id", "big")).SingleAsync(Ct);
        Assert.Equal('b', copied["pad"].AsString[0]);
        await TargetComparison.AssertEqualAsync(servers.SourceClient, servers.TargetClient, Database, Database, Ct);
    }

    /// <summary>{_id, pad} exactly 400 bytes under the 16 MiB document limit.</summary>
    private static BsonDocument NearlyMaximal(string id, char fill)
    {
        var document = new BsonDocument { { "_id", id }, { "pad", string.Empty } };
        var overhead = document.ToBson().Length;
        document["pad"] = new string(fill, MaxBsonSize - 400 - overhead);
        return document;
    }
}
