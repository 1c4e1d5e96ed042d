using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Endpoints;

/// <summary>The actions go through the job's steering, as the keys do; refusals are 4xx with one line.</summary>
[Collection(ServerCollection.Name)]
public sealed class ActionApiTests(MongoServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unpause_workers_adaptive_and_pause_change_the_engine_at_once()
    {
        await using var migration = await RunningMigration.StartAsync(server, "actsteer", collections: 4);
        var http = migration.Http;
        var steering = migration.Job.Steering;

        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/workers", new { pool = "restore", count = 3 }), "restore workers will be 3 on unpause");
        Assert.Equal(3, steering.Settings.RestoreWorkers);
        Assert.Equal(0, migration.Job.Pools!.Restore!.MaxWorkers);

        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/unpause"), "resumed");
        Assert.False(steering.IsPaused);
        Assert.Equal(3, migration.Job.Pools!.Restore!.MaxWorkers);

        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/workers", new { pool = "dump", count = 2 }), "dump workers set to 2");
        Assert.Equal(2, migration.Job.Pools!.Dump!.MaxWorkers);
        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/workers", new { pool = "insertion", count = 4 }), "insertion workers set to 4 for the chunks that start from now");
        Assert.Equal(4, steering.Settings.InsertionWorkers);

        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/adaptive", new { enabled = true }), "adaptive: worker counts follow the measured throughput");
        Assert.True(steering.IsAdaptive);
        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/adaptive", new { enabled = false }), "adaptive off: worker counts stay where they are");
        Assert.False(steering.IsAdaptive);

        await Expect(await Actions.PostAsync(http, "/api/jobs/actsteer/pause"), "paused: running chunks finish their step, no new ones start");
        Assert.True(steering.IsPaused);
        Assert.Equal(0, migration.Job.Pools!.Restore!.MaxWorkers);

        var summary = await migration.FinishAsync();
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.Equal(new PoolSettings(2, 3, 4), steering.Settings);
    }

    [Theory]
    [InlineData("restore", 0, "restore workers must be between 1 and 256; 0 was asked.")]
    [InlineData("dump", 100000, "dump workers must be between 1 and 256; 100000 was asked.")]
    [InlineData("insertion", 65, "insertion workers must be between 1 and 64; 65 was asked.")]
    [InlineData("readers", 2, "unknown pool 'readers': use dump, restore or insertion.")]
    public async Task A_bad_worker_count_is_refused_with_a_400_and_changes_nothing(string pool, int count, string error)
    {
        await using var migration = await RunningMigration.StartAsync(server, $"actbad{pool}", collections: 1);
        var before = migration.Job.Steering.Settings;

        var response = await Actions.PostAsync(migration.Http, $"/api/jobs/actbad{pool}/workers", new { pool, count });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        Assert.Equal(before, migration.Job.Steering.Settings);
    }

    [Fact]
    public async Task Stop_stops_the_job_resumably_and_an_action_on_the_finished_job_is_a_409()
    {
        await using var migration = await RunningMigration.StartAsync(server, "actstop", collections: 2);
        // Stopped once planned, so there is something to resume (DashboardCommandTests covers a stop before the plan).
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Snapshot().Collections.Count == 2, "the plan");

        await Expect(await Actions.PostAsync(migration.Http, "/api/jobs/actstop/stop"), "stopping: finished chunks are kept, running ones will be redone on resume");
        var summary = await migration.Run;
        await migration.Live.Finished;

        Assert.Equal(JobStatus.Stopped, summary.Status);
        var response = await Actions.PostAsync(migration.Http, "/api/jobs/actstop/unpause");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("job actstop has finished (stopped): there is nothing to steer.", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        var job = await migration.Http.GetFromJsonAsync<JsonElement>("/api/jobs/actstop", Ct);
        Assert.Equal("stopped", job.GetProperty("state").GetString());
        Assert.False(job.GetProperty("steerable").GetBoolean());
    }

    [Fact]
    public async Task An_action_without_the_request_header_or_from_another_origin_is_refused()
    {
        await using var migration = await RunningMigration.StartAsync(server, "actforged", collections: 1);

        var bare = await Actions.PostAsync(migration.Http, "/api/jobs/actforged/unpause", withHeader: false);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/actforged/unpause") { Content = JsonContent.Create(new { }) };
        foreign.Headers.Add("X-MongoMigrate-Request", "1");
        foreign.Headers.Add("Origin", "http://evil.example");
        var crossOrigin = await migration.Http.SendAsync(foreign, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossOrigin.StatusCode);
        Assert.True(migration.Job.Steering.IsPaused);
    }

    private static async Task Expect(HttpResponseMessage response, string message)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal(message, body.GetProperty("message").GetString());
    }
}
