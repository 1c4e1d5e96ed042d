using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Tests.Endpoints;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Hosting;

/// <summary>A dashboard of a work folder (mongomigrate serve): the jobs of its state files, read-only.</summary>
[Collection(ServerCollection.Name)]
public sealed class StoredJobsTests(MongoServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_finished_job_is_served_from_its_state_and_refuses_actions()
    {
        await using var migration = await RunningMigration.StartAsync(server, "stored", collections: 3);
        var summary = await migration.FinishAsync();
        await using var serve = await DashboardServer.StartAsync(new DashboardOptions { WorkDirectory = migration.WorkDirectory }, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = serve.Address };

        var listed = Assert.Single((await http.GetFromJsonAsync<JsonElement>("/api/jobs", Ct)).EnumerateArray());
        Assert.Equal("stored", listed.GetProperty("jobId").GetString());
        Assert.Equal("completed", listed.GetProperty("state").GetString());
        Assert.False(listed.GetProperty("steerable").GetBoolean());

        var job = await http.GetFromJsonAsync<JsonElement>("/api/jobs/stored", Ct);
        Assert.Equal(summary.Documents, job.GetProperty("documents").GetInt64());
        Assert.Equal(100, job.GetProperty("percent").GetDouble());
        Assert.Equal("completed: there is nothing to steer.", job.GetProperty("notSteerable").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("resumeCommand").ValueKind);
        var collections = await http.GetFromJsonAsync<JsonElement>("/api/jobs/stored/collections", Ct);
        Assert.Equal(3, collections.GetProperty("total").GetInt32());
        Assert.All(collections.GetProperty("items").EnumerateArray(), c => Assert.Equal("completed", c.GetProperty("phase").GetString()));
        var chunks = await http.GetFromJsonAsync<JsonElement>("/api/jobs/stored/chunks", Ct);
        Assert.Equal("restored", Assert.Single(chunks.GetProperty("counts").EnumerateArray()).GetProperty("status").GetString());

        var pause = await Actions.PostAsync(http, "/api/jobs/stored/pause");
        Assert.Equal(HttpStatusCode.Conflict, pause.StatusCode);
        Assert.StartsWith("job stored does not run in this process (completed)", (await pause.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
