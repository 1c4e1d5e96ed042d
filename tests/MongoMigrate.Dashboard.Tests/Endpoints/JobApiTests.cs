using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Endpoints;

/// <summary>The read side of the API against a real migration on the test server.</summary>
[Collection(ServerCollection.Name)]
public sealed class JobApiTests(MongoServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_running_job_is_listed_and_described_with_its_collections_pools_and_chunks()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apiread", collections: 12);
        var http = migration.Http;

        var jobs = await http.GetFromJsonAsync<JsonElement>("/api/jobs", Ct);
        var listed = Assert.Single(jobs.EnumerateArray());
        Assert.Equal("apiread", listed.GetProperty("jobId").GetString());
        Assert.Equal("paused", listed.GetProperty("state").GetString());

        var job = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread", Ct);
        Assert.Equal("migrate", job.GetProperty("kind").GetString());
        Assert.True(job.GetProperty("steerable").GetBoolean());
        Assert.Equal(1, job.GetProperty("workers").GetProperty("restore").GetInt32());
        Assert.Equal("full", job.GetProperty("verification").GetProperty("mode").GetString());

        // The collections are planned once the job has read them; pages of five, a search that finds one.
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Snapshot().Collections.Count == 12, "the collections to be discovered");
        var page = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread/collections?pageSize=5&page=3", Ct);
        Assert.Equal(12, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var found = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread/collections?search=C011", Ct);
        Assert.EndsWith(".c011", Assert.Single(found.GetProperty("items").EnumerateArray()).GetProperty("source").GetString(), StringComparison.Ordinal);

        var pools = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread/pools", Ct);
        Assert.Equal("dump", pools.GetProperty("dump").GetProperty("kind").GetString());
        Assert.Equal(0, pools.GetProperty("restore").GetProperty("maxWorkers").GetInt32());

        // The pulse samples the throughput every second while the job runs (paused included).
        await RunningMigration.WaitUntilAsync(() => migration.Live.Throughput().Count >= 1, "a throughput sample");

        // Once chunks are recorded, the state's view of them is served; then the job runs to its end.
        var summary = await migration.FinishAsync();
        Assert.Equal(JobStatus.Completed, summary.Status);
        var collection = page.GetProperty("items")[0].GetProperty("source").GetString()!;
        var chunks = await http.GetFromJsonAsync<JsonElement>($"/api/jobs/apiread/chunks?collection={collection}", Ct);
        Assert.Contains(chunks.GetProperty("counts").EnumerateArray(), c => c.GetProperty("status").GetString() == "restored");
        var rows = chunks.GetProperty("chunks").GetProperty("items");
        Assert.True(rows.GetArrayLength() >= 1);
        Assert.All(rows.EnumerateArray(), r => Assert.Equal("restored", r.GetProperty("status").GetString()));
        Assert.Contains("_id", rows[0].GetProperty("range").GetString(), StringComparison.Ordinal);

        await migration.Live.Finished;
        var finished = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread", Ct);
        Assert.Equal("completed", finished.GetProperty("state").GetString());
        Assert.Equal(100, finished.GetProperty("percent").GetDouble());
        Assert.Equal(summary.Documents, finished.GetProperty("documents").GetInt64());

        var errors = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread/errors", Ct);
        Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        var throughput = await http.GetFromJsonAsync<JsonElement>("/api/jobs/apiread/throughput", Ct);
        Assert.True(throughput.GetArrayLength() >= 1, "the pulse samples the throughput every second while the job runs");
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_with_one_line_that_says_where_to_look()
    {
        await using var migration = await RunningMigration.StartAsync(server, "api404", collections: 1);

        var response = await migration.Http.GetAsync("/api/jobs/nosuchjob/collections", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString();
        Assert.Equal("there is no job 'nosuchjob' here: GET /api/jobs lists them.", error);
    }

    [Fact]
    public async Task The_event_stream_pushes_the_job_at_once_and_again_after_an_action()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apisse", collections: 2);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs/apisse/events");
        using var response = await migration.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        var first = await EventStream.NextAsync(reader, "job");
        Assert.Equal("paused", first.GetProperty("job").GetProperty("state").GetString());

        await Actions.PostAsync(migration.Http, "/api/jobs/apisse/workers", new { pool = "restore", count = 3 });
        JsonElement next;
        do
        {
            next = await EventStream.NextAsync(reader, "job");
        }
        while (next.GetProperty("job").GetProperty("workers").GetProperty("restore").GetInt32() != 3);

        Assert.Equal("paused", next.GetProperty("job").GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint()
    {
        await using var migration = await RunningMigration.StartAsync(server, "apidoc", collections: 1);

        var document = await migration.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
        {
            "/api/jobs", "/api/jobs/{jobId}", "/api/jobs/{jobId}/collections", "/api/jobs/{jobId}/chunks", "/api/jobs/{jobId}/pools",
            "/api/jobs/{jobId}/errors", "/api/jobs/{jobId}/throughput", "/api/jobs/{jobId}/events", "/api/jobs/{jobId}/workers",
            "/api/jobs/{jobId}/pause", "/api/jobs/{jobId}/unpause", "/api/jobs/{jobId}/stop", "/api/jobs/{jobId}/adaptive",
        })
        {
            Assert.Contains(path, paths);
        }

        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("JobDetail", out _));
    }
}
