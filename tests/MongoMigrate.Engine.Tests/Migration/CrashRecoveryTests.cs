using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// A job killed between two state changes (the change never made, the process gone) and resumed: the target
/// ends exact, and no chunk was ever recorded restored before its documents were on the target.
/// </summary>
public sealed class CrashRecoveryTests(JobTestBed bed) : IClassFixture<JobTestBed>
{
    private readonly JobTestBed _bed = bed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(CopyMethod.DumpRestore, 11)]
    [InlineData(CopyMethod.Direct, 13)]
    public async Task A_job_crashed_again_and_again_at_random_state_changes_ends_exact(CopyMethod method, int seed)
    {
        var random = new Random(seed);
        var jobId = $"crash-{method}";
        var database = $"copy{method}";
        var options = _bed.Options(method, jobId, database);
        var crashes = new List<string>();
        var audited = 0;
        for (var run = 0; ; run++)
        {
            Assert.True(run < 40, $"the job did not finish; crashes so far: {string.Join(", ", crashes)}");
            // Crash points early in each run, so that most runs crash whatever the timing; after 12 crashes the job runs to its end.
            var crashAt = crashes.Count < 12 ? random.Next(1, 13) : 0;
            var (summary, store) = await RunAsync(options, jobId, crashAt);
            audited += store.AuditedRestores;
            if (store.CrashedAt is { } where)
            {
                crashes.Add(where);
                continue;
            }

            Assert.Equal(JobStatus.Completed, summary!.Status);
            Assert.True(summary.Verified);
            Assert.Equal(_bed.TotalDocuments, summary.Documents);
            break;
        }

        await _bed.AssertTargetEqualsSourceAsync(Ct, database);
        Assert.True(crashes.Count >= 4, $"only {crashes.Count} crashes before the job finished");
        Assert.True(audited > 0);
        TestContext.Current.SendDiagnosticMessage($"{method}: crashed at {string.Join(", ", crashes)}; {audited} restores audited");
    }

    [Fact]
    public async Task A_crash_at_each_state_change_of_a_small_job_leaves_a_state_that_resumes_exactly()
    {
        // Count the changes of an uninterrupted run of one collection, then crash a fresh job at each of them.
        var count = _bed.Options(CopyMethod.DumpRestore, "count", "count") with { Selection = Only("count") };
        var (finished, counter) = await RunAsync(count, "count", crashAt: 0);
        Assert.Equal(JobStatus.Completed, finished!.Status);
        var changes = counter.Changes;
        Assert.InRange(changes, 15, 60);

        var hit = new HashSet<string>(StringComparer.Ordinal);
        for (var crashAt = 1; crashAt <= changes; crashAt++)
        {
            var jobId = $"at-{crashAt}";
            var options = _bed.Options(CopyMethod.DumpRestore, jobId, $"c{crashAt}") with { Selection = Only($"c{crashAt}") };
            var (_, crashed) = await RunAsync(options, jobId, crashAt);
            Assert.NotNull(crashed.CrashedAt);
            hit.Add(crashed.CrashedAt!);
            var (resumed, _) = await RunAsync(options, jobId, crashAt: 0);
            Assert.True(resumed!.Status == JobStatus.Completed, $"crash at change {crashAt} ({crashed.CrashedAt}): {resumed.Reason}");
            Assert.Equal(JobTestBed.Specs[0].Documents, resumed.Documents);

            // The job's own verification: every document of every chunk range compared, byte for byte.
            Assert.True(resumed.Verified, $"crash at change {crashAt} ({crashed.CrashedAt}) left a target that differs");
        }

        Assert.Contains("MarkChunkDumped", hit);
        Assert.Contains("MarkChunkRestored", hit);
        Assert.Contains("SaveCollectionPlan", hit);
        Assert.Contains("CreateJob", hit);
        Assert.Contains("CompleteCollection", hit);
    }

    /// <summary>Only app.padded, renamed into <paramref name="database"/>.</summary>
    private static NamespaceSelection Only(string database) => new([$"{JobTestBed.Database}.padded"], [], [($"{JobTestBed.Database}.*", $"{database}.*")]);

    /// <summary>Runs the job once, crashing it at change <paramref name="crashAt"/> (0: never); a job the state does not hold yet starts fresh.</summary>
    private async Task<(MigrationSummary? Summary, CrashingJobStateStore Store)> RunAsync(MigrationOptions options, string jobId, int crashAt)
    {
        var exists = false;
        if (File.Exists(JobFolder.StatePath(Path.Combine(_bed.Work, jobId))))
        {
            await using var state = await _bed.OpenStateAsync(jobId, Ct);
            exists = await state.GetJobAsync(jobId, Ct) is not null;
        }

        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        CrashingJobStateStore? store = null;
        var job = _bed.Job(options with { Resume = exists }, inner => store = new CrashingJobStateStore(inner, _bed.TargetClient, crashAt, () => _ = kill.CancelAsync()));
        try
        {
            return (await job.RunAsync(kill.Token), store!);
        }
        catch (Exception e) when (store?.CrashedAt is not null)
        {
            _ = e;
            return (null, store!);
        }
    }
}
