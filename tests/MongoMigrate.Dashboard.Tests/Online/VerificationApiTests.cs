using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Dashboard.Tests.Endpoints;
using MongoMigrate.Engine.Online;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Online;

/// <summary>A verification started through the API runs the engine's verifier over the copied collections; its result and mismatches show in the job.</summary>
[Collection(ServerCollection.Name)]
public sealed class VerificationApiTests(MongoServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_verification_started_from_the_api_finds_the_copy_equal_then_names_a_document_changed_on_the_target()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apiverify", collections: 2, online: true);
        var http = migration.Http;
        await Actions.PostAsync(http, "/api/jobs/apiverify/unpause");
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Phase == OnlinePhase.Following, "the job to follow its source");

        var first = await VerifyAsync(http);
        Assert.Equal("equal", first.GetProperty("state").GetString());
        Assert.Equal(2, first.GetProperty("collections").GetInt32());
        Assert.Equal(2, first.GetProperty("collectionsCompared").GetInt32());
        Assert.Equal(0, first.GetProperty("mismatches").GetInt64());
        Assert.StartsWith("apiverify-verify-1", first.GetProperty("verifyJobId").GetString(), StringComparison.Ordinal);

        // A document changed behind the job's back, on the target only.
        var target = server.Client.GetDatabase(migration.TargetDatabase).GetCollection<BsonDocument>("c001");
        var victim = await target.Find(FilterDefinition<BsonDocument>.Empty).Limit(1).FirstAsync(Ct);
        await target.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", victim["_id"]), Builders<BsonDocument>.Update.Set("tampered", true), cancellationToken: Ct);

        var second = await VerifyAsync(http);
        Assert.Equal("different", second.GetProperty("state").GetString());
        Assert.Equal(1, second.GetProperty("mismatches").GetInt64());
        var difference = Assert.Single(second.GetProperty("differences").EnumerateArray());
        Assert.Equal($"{migration.SourceDatabase}.c001", difference.GetProperty("source").GetString());
        Assert.Equal(1, difference.GetProperty("different").GetInt64());
        Assert.Contains($"different bytes: _id {victim["_id"]}", Assert.Single(difference.GetProperty("documents").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verification_before_any_collection_is_copied_is_refused_with_a_409()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apiverifyearly", collections: 1);

        var response = await Actions.PostAsync(migration.Http, "/api/jobs/apiverifyearly/verify");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("no collection of job apiverifyearly is copied yet: start a verification once one is done.", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
    }

    /// <summary>Starts a verification and waits (through the job's event stream's source, the job) for its result.</summary>
    private static async Task<JsonElement> VerifyAsync(HttpClient http)
    {
        var response = await Actions.PostAsync(http, "/api/jobs/apiverify/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("running", started.GetProperty("state").GetString());
        var id = started.GetProperty("verifyJobId").GetString();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = (await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiverify", Ct)).GetProperty("verificationRun");
            if (run.GetProperty("verifyJobId").GetString() == id && run.GetProperty("state").GetString() != "running")
            {
                return run;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the verification did not end: {run}");
            await Task.Delay(100, Ct);
        }
    }
}
