using System.Diagnostics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `mongomigrate verify --work-dir --job-id` as a child process against two sandbox processes, killed with SIGKILL in
/// the middle, then resumed: the ranges it finished are not read again (told by the report's counts, and by a change
/// made on the target inside a finished range, which the resumed run does not see), and the rest is compared right.
/// </summary>
[Trait("Category", "Long")]
public sealed class VerifyKillAndResumeTests(KillTestServers servers) : IClassFixture<KillTestServers>, IDisposable
{
    private const string JobId = "verify-kill";
    private const string Copy = "verified";
    private readonly string _work = Directory.CreateTempSubdirectory("mm-verify-kill-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string JobDirectory => JobFolder.Of(_work, JobId);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_verification_killed_in_the_middle_resumes_without_reading_its_finished_ranges_again()
    {
        var (copied, _, copyError) = await CliRunner.RunAsync(
            "migrate", "--source", servers.SourceUri, "--target", servers.TargetUri, "--work-dir", Path.Combine(_work, "copy"), "--method", "direct",
            "--from", $"{KillTestServers.Database}.*", "--to", $"{Copy}.*", "--verify", "none", "--json");
        Assert.True(copied == 0, copyError);

        int compared;
        await using (var first = ChildProcess.Start(Arguments(resume: false)))
        {
            var watch = Stopwatch.StartNew();
            while (await TotalsAsync() is var (done, total) && (done < 3 || total == 0))
            {
                Assert.False(first.HasExited, $"the verification ended before three ranges were compared: {first.Error}{first.Output}");
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the verification compared no ranges");
                await Task.Delay(10, Ct);
            }

            await first.KillAsync(Ct);
            (compared, var planned) = await TotalsAsync();
            Assert.True(compared < planned, $"killed after all {planned} ranges were compared: nothing left to resume");
        }

        await AssertJobsShowsItInterruptedAsync(compared);

        // A document of a finished range changes on the target: only a run that reads that range again can see it.
        var changed = await ChangeADocumentOfAFinishedRangeAsync();

        await using var resumed = ChildProcess.Start(Arguments(resume: true));
        var exit = await resumed.WaitForExitAsync(TimeSpan.FromMinutes(3), Ct);

        Assert.True(exit == 0, $"exit {exit}: {resumed.Error}{resumed.Output}");
        using (var report = JsonDocument.Parse(resumed.Output))
        {
            var namespaces = report.RootElement.GetProperty("namespaces").EnumerateArray().ToList();
            Assert.True(report.RootElement.GetProperty("equal").GetBoolean());
            Assert.Equal(compared, namespaces.Sum(n => n.GetProperty("rangesResumed").GetInt32()));
            Assert.All(namespaces, n => Assert.Equal(n.GetProperty("rangesTotal").GetInt32(), n.GetProperty("rangesCompared").GetInt32()));
            Assert.Equal(servers.Documents, namespaces.Sum(n => n.GetProperty("identical").GetInt64()));
            Assert.Equal(servers.Documents, namespaces.Sum(n => n.GetProperty("sourceDocuments").GetInt64()));
        }

        Assert.Equal("Completed", (await StateAsync(s => s.GetJobAsync(JobId, Ct)))!.Status.ToString());

        // Read whole, the target differs exactly by the one change: the resumed run compared everything else right.
        var (fresh, output, _) = await CliRunner.RunAsync(
            "verify", "--source", servers.SourceUri, "--target", servers.TargetUri, "--from", $"{KillTestServers.Database}.*", "--to", $"{Copy}.*", "--json");
        Assert.Equal(1, fresh);
        using var whole = JsonDocument.Parse(output);
        var differing = Assert.Single(whole.RootElement.GetProperty("namespaces").EnumerateArray(), n => !n.GetProperty("equal").GetBoolean());
        Assert.Equal((changed.Namespace, 1L, 0L, 0L), (differing.GetProperty("source").GetString(), differing.GetProperty("different").GetInt64(), differing.GetProperty("missing").GetInt64(), differing.GetProperty("extra").GetInt64()));
        Assert.Equal(changed.Id, differing.GetProperty("mismatches")[0].GetProperty("id").GetString());
    }

    private string[] Arguments(bool resume)
    {
        string[] args =
        [
            "verify", "--source", servers.SourceUri, "--target", servers.TargetUri, "--work-dir", _work, "--job-id", JobId,
            "--workers", "1", "--chunk-size", "1MB", "--from", $"{KillTestServers.Database}.*", "--to", $"{Copy}.*", "--json",
        ];
        return resume ? [.. args, "--resume"] : args;
    }

    private async Task<(int Compared, int Planned)> TotalsAsync()
    {
        if (!File.Exists(JobFolder.StatePath(JobDirectory)))
        {
            return (0, 0);
        }

        var totals = await StateAsync(s => s.GetVerifyRangeTotalsAsync(JobId, Ct));
        return (totals.Sum(t => t.Compared), totals.Sum(t => t.Ranges));
    }

    private async Task<T> StateAsync<T>(Func<SqliteJobStateStore, Task<T>> read)
    {
        await using var state = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(JobDirectory), cancellationToken: Ct);
        return await read(state);
    }

    private async Task<(string Namespace, string Id)> ChangeADocumentOfAFinishedRangeAsync()
    {
        // The largest collection (Int64 _ids) is compared first, by the one reader.
        foreach (var collection in (await StateAsync(s => s.GetCollectionsAsync(JobId, Ct))).Where(c => c.SourceNamespace == $"{KillTestServers.Database}.padded"))
        {
            var ranges = await StateAsync(s => s.GetVerifyRangesAsync(JobId, collection.SourceNamespace, Ct));
            foreach (var range in ranges.Where(r => r.IsCompared && r.Documents > 0))
            {
                var names = collection.TargetNamespace.Split('.', 2);
                var target = servers.TargetClient.GetDatabase(names[0]).GetCollection<BsonDocument>(names[1]);
                var document = await target.Find(BsonSerializer.Deserialize<BsonDocument>(range.Filter)).Limit(1).FirstAsync(Ct);
                await target.UpdateOneAsync(new BsonDocument("_id", document["_id"]), new BsonDocument("$set", new BsonDocument("changedAfterItsRangeWasCompared", true)), cancellationToken: Ct);
                var id = document["_id"];
                return (collection.SourceNamespace, id.AsInt64.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException("no compared range with documents in the padded collection");
    }

    private async Task AssertJobsShowsItInterruptedAsync(int compared)
    {
        var (code, output, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var job = Assert.Single(json.RootElement.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("jobId").GetString() == JobId);
        Assert.Equal(("interrupted", "verify"), (job.GetProperty("state").GetString(), job.GetProperty("method").GetString()));
        Assert.Equal(compared, job.GetProperty("chunksRestored").GetInt32());
        Assert.Contains($"mongomigrate verify --resume --job-id {JobId}", job.GetProperty("resumeCommand").GetString(), StringComparison.Ordinal);
    }
}
