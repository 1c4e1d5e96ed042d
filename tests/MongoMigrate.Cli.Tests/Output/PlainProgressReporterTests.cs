using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Cli.Tests.Output;

public class PlainProgressReporterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_that_makes_no_progress_says_what_it_waits_for_and_since_when()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        var job = new IdleJob(time) { Progress = { Phase = "discovering" } };
        var lines = new LineChannel();
        var run = new TaskCompletionSource();
        var stall = new ProgressStall(time, ProgressStall.MigrationWaitsFor);
        var reporter = PlainProgressReporter.RunAsync(lines, job, run.Task, TimeSpan.FromSeconds(5), time, stall, Ct);

        var seen = new List<string>();
        for (var tick = 0; tick < 6; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            seen.Add(await lines.ReadAsync(Ct));
        }

        run.SetResult();
        await reporter;
        Assert.DoesNotContain("waiting", seen[0], StringComparison.Ordinal);
        Assert.EndsWith("| waiting for the source since 12:00:00 (30 s without progress)", seen[^1], StringComparison.Ordinal);
        Assert.Contains("0 docs/s", seen[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_that_moves_says_nothing_about_waiting()
    {
        var time = new FakeTimeProvider();
        var job = new IdleJob(time) { Progress = { Phase = "copying" } };
        var collection = job.Progress.Add("a.b", "a.b", 100, 1000);
        var lines = new LineChannel();
        var run = new TaskCompletionSource();
        var reporter = PlainProgressReporter.RunAsync(lines, job, run.Task, TimeSpan.FromSeconds(5), time, new ProgressStall(time, ProgressStall.MigrationWaitsFor), Ct);

        for (var tick = 0; tick < 6; tick++)
        {
            collection.AddCopied(1, 10);
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.DoesNotContain("waiting", await lines.ReadAsync(Ct), StringComparison.Ordinal);
        }

        run.SetResult();
        await reporter;
    }

    /// <summary>Hands each written line to the test as it is written.</summary>
    private sealed class LineChannel : StringWriter
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        public ValueTask<string> ReadAsync(CancellationToken cancellationToken) => _lines.Reader.ReadAsync(cancellationToken);

        public override Task WriteLineAsync(string? value)
        {
            _lines.Writer.TryWrite(value ?? string.Empty);
            return Task.CompletedTask;
        }
    }

    /// <summary>A job whose progress the test sets; it has no pools and nothing to steer.</summary>
    private sealed class IdleJob(TimeProvider time) : IRunningJob
    {
        public string JobId => "idle";

        public JobProgress Progress { get; } = new(time);

        public JobWorkerPoolsSnapshot? Pools => null;

        public JobSteering Steering { get; } = new(new WorkerPoolCoordinator(timeProvider: time), "idle", new PoolSettings(1, 1, 1));
    }
}
