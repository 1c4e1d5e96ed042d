using System.Net;
using System.Text.Json;
using MongoMigrate.Engine.Online;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Security;

/// <summary>A job whose URI carries a password: nothing the dashboard serves holds it.</summary>
[Collection(ServerCollection.Name)]
public sealed class SecretTests(MongoServerFixture server)
{
    private const string Password = "Pa55-w0rd-never-shown";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_page_or_API_response_holds_the_password_of_the_jobs_URI()
    {
        var host = new Uri(server.ConnectionString.Split(',')[0].Replace("mongodb://", "http://", StringComparison.Ordinal)).Authority;
        var uri = $"mongodb://alice:{Password}@{host}/?connectTimeoutMS=2000&serverSelectionTimeoutMS=3000";
        await using var migration = await RunningMigration.StartAsync(server, "secret", sourceUri: uri);
        await migration.Live.Finished;
        var http = migration.Http;

        var job = await http.GetStringAsync("/api/jobs/secret", Ct);
        Assert.Contains("alice:****@", job, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"failed\"", job, StringComparison.Ordinal);
        Assert.Contains("\"error\":\"", job, StringComparison.Ordinal);
        var served = new List<string> { job };
        foreach (var path in new[]
        {
            "/", "/assets/app.js", "/api/jobs", "/api/jobs/secret/collections", "/api/jobs/secret/chunks", "/api/jobs/secret/pools",
            "/api/jobs/secret/errors", "/api/jobs/secret/throughput", "/metrics", "/openapi/v1.json",
        })
        {
            var response = await http.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        using var events = await http.GetAsync("/api/jobs/secret/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Ct));
        served.Add((await Endpoints.EventStream.NextAsync(reader, "job")).ToString());

        Assert.All(served, text => Assert.DoesNotContain(Password, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_answers_of_a_verification_and_a_cutover_and_the_event_stream_never_hold_the_password_of_the_source_URI()
    {
        // The copy reads the server; the source as typed carries a password, and the dashboard's verifier connects with
        // it: the server refuses it, so the verification's failure (the engine's and the driver's own words) is served too.
        var host = new Uri(server.ConnectionString.Split(',')[0].Replace("mongodb://", "http://", StringComparison.Ordinal)).Authority;
        var uri = $"mongodb://alice:{Password}@{host}/?connectTimeoutMS=2000&serverSelectionTimeoutMS=3000";
        await using var migration = await RunningMigration.StartAsync(server, "secretonline", collections: 1, online: true, typedSourceUri: uri);
        var http = migration.Http;
        using var events = await http.GetAsync("/api/jobs/secretonline/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Ct));
        var served = new List<string> { (await Endpoints.EventStream.NextAsync(reader, "job")).ToString() };
        await Endpoints.Actions.PostAsync(http, "/api/jobs/secretonline/unpause");
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Phase == OnlinePhase.Following, "the job to follow its source");

        var verify = await Endpoints.Actions.PostAsync(http, "/api/jobs/secretonline/verify");
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        served.Add(await verify.Content.ReadAsStringAsync(Ct));
        await RunningMigration.WaitUntilAsync(() => migration.Live.Detail().VerificationRun is { State: not "running" }, "the verification to end");
        var job = await http.GetStringAsync("/api/jobs/secretonline", Ct);
        served.Add(job);
        var run = JsonDocument.Parse(job).RootElement.GetProperty("verificationRun");
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.False(string.IsNullOrWhiteSpace(run.GetProperty("message").GetString()), run.ToString());

        var cutover = await Endpoints.Actions.PostAsync(http, "/api/jobs/secretonline/cutover", new { timeoutSeconds = 60 });
        Assert.Equal(HttpStatusCode.OK, cutover.StatusCode);
        var answer = await cutover.Content.ReadAsStringAsync(Ct);
        served.Add(answer);
        Assert.True(JsonDocument.Parse(answer).RootElement.GetProperty("cutOver").GetBoolean(), answer);

        // The stream pushes the verification's failure and the cutover: read until the job says it is cut over.
        var pushed = new List<JsonElement>();
        do
        {
            pushed.Add((await Endpoints.EventStream.NextAsync(reader, "job")).GetProperty("job"));
            served.Add(pushed[^1].ToString());
        }
        while (pushed[^1].GetProperty("online").GetProperty("cutover") is not { ValueKind: JsonValueKind.Object } last || !last.GetProperty("cutOver").GetBoolean());

        Assert.Contains(pushed, p => p.GetProperty("verificationRun") is { ValueKind: JsonValueKind.Object } v && v.GetProperty("state").GetString() == "failed");
        Assert.Contains(served, text => text.Contains("alice:****@", StringComparison.Ordinal));
        Assert.All(served, text => Assert.DoesNotContain(Password, text, StringComparison.Ordinal));
    }
}
