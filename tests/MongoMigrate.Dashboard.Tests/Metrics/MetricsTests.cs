using System.Globalization;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Metrics;

/// <summary>/metrics in Prometheus's text format, from the engine's worker pool instruments and the jobs' progress.</summary>
[Collection(ServerCollection.Name)]
public sealed class MetricsTests(MongoServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scrape_has_the_pool_sizes_active_workers_and_the_copied_documents_and_bytes()
    {
        await using var migration = await RunningMigration.StartAsync(server, "metrics", collections: 2);
        migration.Job.Steering.AdjustRestoreWorkers(3);

        // Paused: the pools exist at 0, the count set waits for the unpause.
        var paused = await ScrapeAsync(migration.Http);
        Assert.Contains("# TYPE mongomigrate_workerpool_max gauge", paused.Text);
        Assert.Equal(0, paused.Value("mongomigrate_workerpool_max", "mongomigrate_job=\"metrics\"", "mongomigrate_pool=\"restore\""));
        Assert.True(paused.Value("mongomigrate_workerpool_active", "mongomigrate_job=\"metrics\"", "mongomigrate_pool=\"restore\"") >= 0);
        Assert.Equal(1, paused.Value("mongomigrate_job_paused", "mongomigrate_job=\"metrics\""));
        Assert.Equal(3, paused.Value("mongomigrate_job_workers_configured", "mongomigrate_job=\"metrics\"", "mongomigrate_pool=\"restore\""));

        await migration.FinishAsync();
        var done = await ScrapeAsync(migration.Http);
        var progress = migration.Job.Progress.Snapshot();
        Assert.Contains("# TYPE mongomigrate_job_documents_total counter", done.Text);
        Assert.Equal(progress.Documents, done.Value("mongomigrate_job_documents_total", "mongomigrate_job=\"metrics\""));
        Assert.Equal(progress.Bytes, done.Value("mongomigrate_job_bytes_total", "mongomigrate_job=\"metrics\""));
        Assert.Equal(2, done.Value("mongomigrate_job_collections", "mongomigrate_job=\"metrics\"", "mongomigrate_phase=\"done\""));
        Assert.Contains("# TYPE mongomigrate_workerpool_documents_total counter", done.Text);
        Assert.Contains("# TYPE mongomigrate_workerpool_slot_wait_seconds histogram", done.Text);
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient http)
    {
        // The exporter keeps a scrape for a moment: a new one comes after that.
        await Task.Delay(400, Ct);
        using var response = await http.GetAsync("/metrics", Ct);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return new Scrape(await response.Content.ReadAsStringAsync(Ct));
    }

    private sealed record Scrape(string Text)
    {
        /// <summary>The value of the one sample of <paramref name="name"/> with all of <paramref name="labels"/>.</summary>
        public double Value(string name, params string[] labels)
        {
            var line = Assert.Single(Text.Split('\n'), l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)));
            return double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
        }
    }
}
