using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;
using MongoMigrate.Sandbox;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// Network and server faults programmed into the sandboxes while a job runs: transient ones are retried
/// (with backoff) until the target is exact; permanent ones fail their chunk with the reason, the other
/// collections go on, and a resume after the cause is fixed finishes the job.
/// </summary>
public sealed class FaultToleranceTests(JobTestBed bed) : IClassFixture<JobTestBed>
{
    private readonly JobTestBed _bed = bed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, CopyMethod> TransientFaults { get; } = new()
    {
        { "connections dropped every 40 messages on both sides", CopyMethod.DumpRestore },
        { "connections dropped every 40 messages on both sides", CopyMethod.Direct },
        { "find failing with ShutdownInProgress", CopyMethod.DumpRestore },
        { "getMore failing with HostUnreachable", CopyMethod.Direct },
        { "insert failing with NotWritablePrimary labelled RetryableWriteError", CopyMethod.DumpRestore },
        { "insert written but its reply lost", CopyMethod.Direct },
        { "count failing with a closed connection after an insert's reply was lost", CopyMethod.Direct },
        { "5 ms of added latency on every reply", CopyMethod.DumpRestore },
    };

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task A_transient_fault_is_retried_until_the_target_is_exact(string fault, CopyMethod method)
    {
        // Unique per run: a database (and job) name from a hash of the case met an earlier job of the same name once.
        var database = $"t{Guid.NewGuid():N}"[..13];
        Program(fault, _bed.Source, _bed.Target);
        MigrationSummary summary;
        try
        {
            summary = await _bed.Job(_bed.Options(method, database, database)).RunAsync(Ct);
        }
        finally
        {
            _bed.Source.Faults.Clear();
            _bed.Target.Faults.Clear();
        }

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        Assert.True(summary.Verified);
        await _bed.AssertTargetEqualsSourceAsync(Ct, database);
    }

    [Theory]
    [InlineData(CopyMethod.Direct)]
    [InlineData(CopyMethod.DumpRestore)]
    public async Task A_chunk_whose_inserts_all_went_in_is_recorded_without_counting_the_target(CopyMethod method)
    {
        // Every count refused: a clean copy needs none, the acknowledged inserts prove each chunk.
        var database = $"nocount{method}";
        _bed.Target.Faults.Add(new FailPoint { Commands = ["count"], ErrorCode = 2, Times = null });
        MigrationSummary summary;
        try
        {
            summary = await _bed.Job(_bed.Options(method, database, database)).RunAsync(Ct);
        }
        finally
        {
            _bed.Target.Faults.Clear();
        }

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        Assert.True(summary.Verified);
        await _bed.AssertTargetEqualsSourceAsync(Ct, database);
    }

    [Fact]
    public async Task A_chunk_that_found_some_of_its_documents_already_on_the_target_is_counted_before_it_is_recorded()
    {
        // An insert written but its reply lost: the retry finds those documents there, so only a count can prove
        // the chunk. With every count refused, the chunk cannot be recorded as restored.
        const string jobId = "mustcount";
        _bed.Target.Faults.Add(new FailPoint { Commands = ["insert"], AfterExecution = true, CloseConnection = true, Times = 1 });
        _bed.Target.Faults.Add(new FailPoint { Commands = ["count"], ErrorCode = 2, Times = null });
        MigrationSummary failed;
        try
        {
            failed = await _bed.Job(_bed.Options(CopyMethod.Direct, jobId, jobId)).RunAsync(Ct);
        }
        finally
        {
            _bed.Target.Faults.Clear();
        }

        Assert.Equal(JobStatus.Failed, failed.Status);
        var chunk = Assert.Single(failed.Collections.SelectMany(c => c.FailedChunks));
        Assert.Contains("count", chunk.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.All(failed.Collections.Where(c => c.FailedChunks.Count == 0), c => Assert.Equal(CollectionStatus.Completed, c.Status));
    }

    [Fact]
    public async Task A_permanent_error_fails_its_collection_at_once_with_the_reason_and_the_others_finish()
    {
        const string jobId = "permanent";

        // A unique index the source does not have, on a field most customers share: a real conflict, not a retry.
        var customers = _bed.TargetClient.GetDatabase("perm").GetCollection<BsonDocument>("customers");
        await customers.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{active: 1}", new CreateIndexOptions { Unique = true, Name = "active_unique" }), cancellationToken: Ct);
        var options = _bed.Options(CopyMethod.DumpRestore, jobId, "perm");

        var failed = await _bed.Job(options).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, failed.Status);
        var outcome = Assert.Single(failed.Collections, c => c.Status == CollectionStatus.Failed);
        Assert.Equal("app.customers", outcome.Source);
        var chunk = Assert.Single(outcome.FailedChunks);
        Assert.Equal(1, chunk.Attempts);
        Assert.Contains("code 11000", chunk.Reason, StringComparison.Ordinal);
        Assert.All(failed.Collections.Where(c => c.Source != "app.customers"), c => Assert.Equal(CollectionStatus.Completed, c.Status));
        Assert.Contains($"--resume --job-id {jobId}", failed.Reason, StringComparison.Ordinal);
        await using (var state = await _bed.OpenStateAsync(jobId, Ct))
        {
            Assert.Equal(ChunkStatus.Failed, Assert.Single(await state.GetChunksAsync(jobId, "app.customers", Ct)).Status);
            var history = await state.GetErrorsAsync(jobId, 10, Ct);
            Assert.Contains(history, e => e.Kind == ErrorKind.ChunkFailed && e.SourceNamespace == "app.customers" && e.ChunkIndex == 0);
            Assert.Contains(history, e => e.Kind == ErrorKind.CollectionFailed && e.SourceNamespace == "app.customers");
        }

        // The cause fixed, the failed chunk gets fresh attempts; the finished collections are left alone.
        await customers.Indexes.DropOneAsync("active_unique", Ct);
        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.Equal(_bed.TotalDocuments, resumed.Documents);
        Assert.Equal(1000, resumed.DocumentsThisRun);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "perm");
    }

    [Fact]
    public async Task A_transient_fault_that_never_stops_fails_the_chunks_after_their_attempts_and_a_resume_finishes()
    {
        // ExceededTimeLimit, labelled retryable, on every insert: a target that stays unusable.
        const string jobId = "outage";
        var options = _bed.Options(CopyMethod.Direct, jobId, "outage") with { MaxChunkAttempts = 2 };
        _bed.Target.Faults.Add(new FailPoint { Commands = ["insert"], ErrorCode = 262, ErrorLabels = ["RetryableWriteError"], Times = null });
        MigrationSummary failed;
        try
        {
            failed = await _bed.Job(options).RunAsync(Ct);
        }
        finally
        {
            _bed.Target.Faults.Clear();
        }

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.All(failed.Collections, c =>
        {
            Assert.Equal(CollectionStatus.Failed, c.Status);
            Assert.All(c.FailedChunks, f => Assert.Equal(2, f.Attempts));
        });
        Assert.Contains("insert", failed.Collections[0].FailedChunks[0].Reason, StringComparison.Ordinal);
        var overview = Assert.Single(await JobCatalog.ListAsync(_bed.Work, cancellationToken: Ct), j => j.JobId == jobId);
        Assert.Equal("failed", overview.State);
        Assert.NotEmpty(overview.RecentFailures);
        Assert.Contains($"--resume --job-id {jobId}", overview.ResumeCommand, StringComparison.Ordinal);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "outage");
    }

    private static void Program(string fault, SandboxServer source, SandboxServer target)
    {
        switch (fault)
        {
            case "connections dropped every 40 messages on both sides":
                source.Faults.DropConnectionsEvery(40);
                target.Faults.DropConnectionsEvery(40);
                break;
            case "find failing with ShutdownInProgress":
                // Some while planning, some while copying.
                source.Faults.FailCommand("find", 91, times: 3);
                source.Faults.Add(new FailPoint { Commands = ["find"], ErrorCode = 91, Times = 4, Skip = 40 });
                break;
            case "getMore failing with HostUnreachable":
                source.Faults.FailCommand("getMore", 6, times: 3);
                break;
            case "insert failing with NotWritablePrimary labelled RetryableWriteError":
                target.Faults.FailCommand("insert", 10107, 5, "RetryableWriteError");
                break;
            case "insert written but its reply lost":
                target.Faults.Add(new FailPoint { Commands = ["insert"], AfterExecution = true, CloseConnection = true, Times = 4 });
                break;
            case "count failing with a closed connection after an insert's reply was lost":
                // The retried insert finds its documents there, so the chunk is proven by a count, which fails first.
                target.Faults.Add(new FailPoint { Commands = ["insert"], AfterExecution = true, CloseConnection = true, Times = 2 });
                target.Faults.CloseConnectionOn("count", 3);
                break;
            case "5 ms of added latency on every reply":
                source.Faults.Latency = TimeSpan.FromMilliseconds(5);
                target.Faults.Latency = TimeSpan.FromMilliseconds(5);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault");
        }
    }
}
