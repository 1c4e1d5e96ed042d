using System.Net;
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
}
