using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Cli.Tests;

/// <summary>--dashboard on a real run of the command line, and `serve`'s usage.</summary>
public sealed class DashboardCommandTests() : CommandTestBase("mm-cli-dash-")
{

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        using var client = new MongoClient(Source.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertManyAsync(Enumerable.Range(0, 3000).Select(i => new BsonDocument { { "_id", i }, { "v", new string('x', 500) } }), cancellationToken: cancellationToken);
    }

    [Fact]
    public async Task Migrate_with_dashboard_prints_its_address_once_and_its_stop_button_stops_the_job()
    {
        // Slow, so that the job is still running when the test reaches the dashboard.
        Target.Faults.Latency = TimeSpan.FromMilliseconds(200);
        var error = new LineWatcher("Dashboard: ");
        var output = new StringWriter();
        var run = CliApplication.RunAsync(["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--job-id", "dash", "--dashboard"], output, error);

        var line = await error.Seen.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        using var http = new HttpClient { BaseAddress = new Uri(line["Dashboard: ".Length..].Trim()) };
        Assert.Equal("127.0.0.1", http.BaseAddress.Host);
        var job = await http.GetFromJsonAsync<JsonElement>("/api/jobs/dash", Ct);
        Assert.Equal("migrate", job.GetProperty("kind").GetString());
        using var stop = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/dash/stop") { Content = JsonContent.Create(new { }) };
        stop.Headers.Add("X-MongoMigrate-Request", "1");
        var stopped = await http.SendAsync(stop, Ct);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Target.Faults.Clear();

        var code = await run;

        Assert.Equal(1, code);
        Assert.Single(error.ToString().Split('\n'), l => l.StartsWith("Dashboard: ", StringComparison.Ordinal));
        // Stopped once its plan exists, the summary says how to resume; stopped before, the one error line says whether
        // there is anything to resume. Either way, never a bare "stopped.".
        var said = output.ToString();
        var errors = error.ToString();
        var resumeCommand = $"mongomigrate migrate --resume --job-id dash --work-dir {Folder}";
        var summarized = said.Contains("Job dash stopped", StringComparison.Ordinal) && said.Contains("Carry on with: " + resumeCommand, StringComparison.Ordinal);
        var stoppedEarly = errors.Contains("mongomigrate: stopped before the copy went on; carry on with: " + resumeCommand, StringComparison.Ordinal)
            || errors.Contains("mongomigrate: stopped before job dash recorded anything (while connecting or discovering): there is nothing to resume; run the same command again to start it.", StringComparison.Ordinal);
        Assert.True(summarized || stoppedEarly, $"stdout: {said}\nstderr: {errors}");
        Assert.DoesNotContain("mongomigrate: stopped.", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_stopped_from_the_dashboard_while_connecting_says_there_is_nothing_to_resume()
    {
        // The source's replica set has no such member: the job waits in "connecting" until stopped.
        var source = $"mongodb://127.0.0.1:{Source.Port}/?replicaSet=elsewhere&serverSelectionTimeoutMS=60000";
        var error = new LineWatcher("Dashboard: ");
        var output = new StringWriter();
        var run = CliApplication.RunAsync(["migrate", "--source", source, "--target", Target.ConnectionString, "--work-dir", Folder, "--job-id", "early", "--connect-timeout", "60", "--dashboard"], output, error);

        var line = await error.Seen.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        using var http = new HttpClient { BaseAddress = new Uri(line["Dashboard: ".Length..].Trim()) };
        Assert.Equal("connecting", (await http.GetFromJsonAsync<JsonElement>("/api/jobs/early", Ct)).GetProperty("phase").GetString());
        using var stop = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/early/stop") { Content = JsonContent.Create(new { }) };
        stop.Headers.Add("X-MongoMigrate-Request", "1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(stop, Ct)).StatusCode);

        var code = await run.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(1, code);
        Assert.Contains("mongomigrate: stopped before job early recorded anything (while connecting or discovering): there is nothing to resume; run the same command again to start it.", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Carry on with", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--port", "5000" }, "--port, --listen and --token-file set up the dashboard: add --dashboard.")]
    [InlineData(new[] { "--dashboard", "--port", "70000" }, "--port 70000 is not a TCP port: give 1 to 65535, or 0 to pick a free one.")]
    [InlineData(new[] { "--dashboard", "--listen", "everywhere" }, "--listen 'everywhere' is not an IP address: give one such as 0.0.0.0 or 192.168.1.10.")]
    public async Task Dashboard_options_that_cannot_work_are_usage_errors(string[] options, string message)
    {
        var (code, _, error) = await CliRunner.RunAsync(["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, .. options]);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_of_a_folder_that_does_not_exist_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("serve", "--work-dir", Path.Combine(Folder, "missing"));

        Assert.Equal(2, code);
        Assert.Contains("does not exist: give the folder your jobs ran in", error, StringComparison.Ordinal);
    }

    /// <summary>Standard error that tells when a line starting with a prefix is written.</summary>
    private sealed class LineWatcher(string prefix) : StringWriter
    {
        private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Check(value);
        }

        public override Task WriteLineAsync(string? value)
        {
            Check(value);
            return base.WriteLineAsync(value);
        }

        private void Check(string? value)
        {
            if (value is not null && value.StartsWith(prefix, StringComparison.Ordinal))
            {
                _seen.TrySetResult(value);
            }
        }
    }
}
