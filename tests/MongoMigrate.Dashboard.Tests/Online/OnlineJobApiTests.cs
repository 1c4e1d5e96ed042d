using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MongoDB.Bson;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Tests.Endpoints;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Online;

/// <summary>
/// An online migration on the test server (a one-member replica set) seen and steered through the API: its following's
/// figures in the job, the events and /metrics, and its cutover through the engine's call, as the key c makes it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class OnlineJobApiTests(MongoServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_online_job_shows_its_lag_and_events_and_cuts_over_from_the_api_with_the_target_equal_to_the_source()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apionline", collections: 2, online: true);
        var http = migration.Http;
        await Actions.PostAsync(http, "/api/jobs/apionline/unpause");
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Phase == OnlinePhase.Following, "the job to follow its source");

        // Writes on the source while it follows: the job counts them as captured and applied.
        var source = server.Client.GetDatabase(migration.SourceDatabase).GetCollection<BsonDocument>("c000");
        for (var i = 0; i < 20; i++)
        {
            await source.InsertOneAsync(new BsonDocument { { "_id", -1L - i }, { "online", i } }, cancellationToken: Ct);
        }

        await RunningMigration.WaitUntilAsync(() => migration.Job.Following is { EventsApplied: >= 20 }, "the 20 changes to be applied");
        var job = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apionline", Ct);
        var online = job.GetProperty("online");
        Assert.Equal("following", online.GetProperty("phase").GetString());
        Assert.True(online.GetProperty("eventsCaptured").GetInt64() >= 20, online.ToString());
        Assert.True(online.GetProperty("eventsApplied").GetInt64() >= 20, online.ToString());
        Assert.True(online.GetProperty("eventsPending").GetInt64() >= 0, online.ToString());
        Assert.Equal(JsonValueKind.Null, online.GetProperty("cutover").ValueKind);
        Assert.Equal(migration.Job.Rechecks is null ? JsonValueKind.Null : JsonValueKind.Number, online.GetProperty("verifierLagSeconds").ValueKind);

        // The lag over time (one sample a second) and the same figures in /metrics.
        await RunningMigration.WaitUntilAsync(() => migration.Live.Throughput().Any(s => s.LagSeconds is not null), "a throughput sample with the lag");
        var samples = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apionline/throughput", Ct);
        Assert.Contains(samples.EnumerateArray(), s => s.GetProperty("lagSeconds").ValueKind == JsonValueKind.Number);
        await Task.Delay(400, Ct);
        var metrics = await http.GetStringAsync("/metrics", Ct);
        Assert.True(Sample(metrics, "mongomigrate_job_online_events_applied_total", "apionline") >= 20, metrics);
        Assert.Contains("mongomigrate_job_online_lag_seconds{", metrics, StringComparison.Ordinal);
        Assert.Equal(0, Sample(metrics, "mongomigrate_job_online_cut_over", "apionline"));

        // Cutover: answered with the engine's result, and the job ends cut over.
        var response = await Actions.PostAsync(http, "/api/jobs/apionline/cutover", new { blockWrites = false, timeoutSeconds = 60 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(outcome.GetProperty("cutOver").GetBoolean(), outcome.ToString());
        Assert.Equal("cut over", outcome.GetProperty("state").GetString());
        Assert.StartsWith("cut over at Timestamp(", outcome.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("target equals source for 2 collections; lag 0", outcome.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Timestamp(", outcome.GetProperty("clusterTime").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, outcome.GetProperty("collections").GetInt32());

        var summary = await migration.Run;
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Cutover!.CutOver);
        await migration.Live.Finished;
        await TargetComparison.AssertEqualAsync(server.Client, server.Client, migration.SourceDatabase, migration.TargetDatabase, Ct);
        var after = (await http.GetFromJsonAsync<JsonElement>("/api/jobs/apionline", Ct)).GetProperty("online");
        Assert.Equal("cut over", after.GetProperty("phase").GetString());
        Assert.Equal(0, after.GetProperty("lagSeconds").GetDouble());
        Assert.True(after.GetProperty("cutover").GetProperty("cutOver").GetBoolean());

        // Nothing is left to cut over.
        var again = await Actions.PostAsync(http, "/api/jobs/apionline/cutover");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("job apionline has finished (completed): there is nothing to steer.", (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());

        // `serve --work-dir` shows the same from the job's state.
        await using var serve = await DashboardServer.StartAsync(new DashboardOptions { WorkDirectory = migration.WorkDirectory }, cancellationToken: Ct);
        using var stored = new HttpClient { BaseAddress = serve.Address };
        var storedOnline = (await stored.GetFromJsonAsync<JsonElement>("/api/jobs/apionline", Ct)).GetProperty("online");
        Assert.Equal("cut over", storedOnline.GetProperty("phase").GetString());
        Assert.True(storedOnline.GetProperty("eventsApplied").GetInt64() >= 20, storedOnline.ToString());
    }

    [Fact]
    public async Task A_cutover_of_an_offline_job_is_refused_with_a_409_that_says_why()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apioffline", collections: 1);

        var response = await Actions.PostAsync(migration.Http, "/api/jobs/apioffline/cutover");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(
            "job apioffline is not an online job (it was started without --online): it ends when its copy ends, there is nothing to cut over.",
            (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        var job = await migration.Http.GetFromJsonAsync<JsonElement>("/api/jobs/apioffline", Ct);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("online").ValueKind);
        Assert.Equal(JobStatus.Completed, (await migration.FinishAsync()).Status);
    }

    [Fact]
    public async Task A_cutover_with_a_timeout_out_of_range_is_refused_with_a_400()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apitimeout", collections: 1, online: true);

        var response = await Actions.PostAsync(migration.Http, "/api/jobs/apitimeout/cutover", new { timeoutSeconds = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("timeoutSeconds must be above 0 and at most 86400 (a day); -1 was asked.", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, (await migration.Http.GetFromJsonAsync<JsonElement>("/api/jobs/apitimeout", Ct)).GetProperty("online").GetProperty("cutover").ValueKind);
    }

    /// <summary>The value of the one sample of <paramref name="name"/> for the job.</summary>
    private static double Sample(string metrics, string name, string jobId)
    {
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains($"mongomigrate_job=\"{jobId}\"", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
