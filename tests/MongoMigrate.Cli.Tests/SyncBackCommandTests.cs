using System.Diagnostics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `sync-back` as a child process after an online job's cutover: the application writes to the target (under a rename,
/// so the namespaces map back), the writes reach the source, and `cutover` from another process ends the sync-back with
/// the source equal to the target byte for byte; killed and run again it loses nothing; before a cutover it is refused.
/// </summary>
public sealed class SyncBackCommandTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-syncback-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Writes_on_the_target_after_a_cutover_reach_the_source_and_the_cutover_back_proves_them_equal()
    {
        const string Database = "syncback_writes";
        const string Renamed = "syncback_writes_r";
        var jobId = "sync-back-writes";
        var targets = await MigrateAndCutOverAsync(jobId, Database, Renamed, 91);

        // Written between the cutover and the sync-back's start: followed from the cutover's cluster time, not from now.
        var a = targets[0];
        await a.InsertOneAsync(new BsonDocument { { "_id", 1000 }, { "inserted", "after cutover" } }, cancellationToken: Ct);
        await a.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 5), Builders<BsonDocument>.Update.Set("updated", true).Inc("n", 7), cancellationToken: Ct);
        await a.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 6), Ct);
        await a.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 7), new BsonDocument { { "_id", 7 }, { "replaced", true } }, cancellationToken: Ct);

        await using var syncBack = ChildProcess.Start(SyncBackArguments(jobId));
        await WaitForSyncBackAsync(syncBack, jobId, status => status?.Phase == "following");
        await WaitForListenerAsync(syncBack, jobId);
        var writes = await ConcurrentWriter.RunAsync(targets, 600, 91, Ct);

        var cutBack = await CutOverAsync(jobId, syncBack);
        Assert.Contains("cut back at Timestamp(", cutBack, StringComparison.Ordinal);
        Assert.Contains("source equals target for 3 collections; lag 0", cutBack, StringComparison.Ordinal);
        Assert.Contains("The continuous verification rechecked every change up to T: no mismatch.", cutBack, StringComparison.Ordinal);
        Assert.Contains("writes made on the target after T are not included", cutBack, StringComparison.Ordinal);

        var exit = await syncBack.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit == 0, $"sync-back exit {exit}: {syncBack.Error}\n{syncBack.Output}");
        using (var summary = JsonDocument.Parse(syncBack.Output))
        {
            var root = summary.RootElement;
            Assert.Equal("cut back", root.GetProperty("status").GetString());
            Assert.Equal(3, root.GetProperty("collections").GetInt32());
            Assert.True(root.GetProperty("eventsApplied").GetInt64() >= 4, syncBack.Output);
            Assert.True(root.GetProperty("cutover").GetProperty("cutOver").GetBoolean());
        }

        var source = servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("a");
        Assert.Equal("after cutover", (await source.Find(Builders<BsonDocument>.Filter.Eq("_id", 1000)).SingleOrDefaultAsync(Ct))?["inserted"].AsString);
        await TargetComparison.AssertEqualAsync(servers.TargetClient, servers.SourceClient, Renamed, Database, Ct);
        var (code, jobs, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using (var listed = JsonDocument.Parse(jobs))
        {
            var job = listed.RootElement.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("jobId").GetString() == jobId);
            Assert.Equal("cut over", job.GetProperty("online").GetProperty("phase").GetString());
            var back = job.GetProperty("syncBack");
            Assert.Equal("cut over", back.GetProperty("phase").GetString());
            Assert.Equal(0, back.GetProperty("lagSeconds").GetDouble());
            Assert.True(back.GetProperty("eventsApplied").GetInt64() >= 4, jobs);
        }

        var (_, text, _) = await CliRunner.RunAsync("jobs", "--work-dir", _work);
        Assert.Contains("sync-back (target to source): cut back at Timestamp(", text, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"sync-back: {writes} writes on the target; {cutBack}");
    }

    [Fact]
    public async Task A_sync_back_killed_and_interrupted_carries_on_from_its_checkpoint_and_loses_nothing()
    {
        const string Database = "syncback_kill";
        const string Renamed = "syncback_kill_r";
        var jobId = "sync-back-kill";
        var targets = await MigrateAndCutOverAsync(jobId, Database, Renamed, 92);
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writer = WriteUntilStoppedAsync(targets, 92, stopWriting.Token);

        // SIGKILL once changes are being applied: nothing flushed, the lock gone with the process.
        await using (var first = ChildProcess.Start(SyncBackArguments(jobId)))
        {
            await WaitForSyncBackAsync(first, jobId, status => status is { EventsApplied: > 0 });
            await first.KillAsync(Ct);
        }

        // Ctrl+C: stopped with its checkpoint, and says how to carry on.
        await using (var second = ChildProcess.Start(SyncBackArguments(jobId)))
        {
            var before = (await SyncBackStatusAsync(jobId))?.EventsApplied ?? 0;
            await WaitForSyncBackAsync(second, jobId, status => status is { Phase: "following" } && status.EventsApplied > before);
            await second.InterruptAsync(Ct);
            var stopped = await second.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
            Assert.True(stopped == 1, $"interrupted sync-back exit {stopped}: {second.Error}\n{second.Output}");
            using var summary = JsonDocument.Parse(second.Output);
            Assert.Equal("stopped", summary.RootElement.GetProperty("status").GetString());
            Assert.Contains("mongomigrate sync-back --job-id sync-back-kill", summary.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        await using var last = ChildProcess.Start(SyncBackArguments(jobId));
        await WaitForSyncBackAsync(last, jobId, status => status?.Phase is "catching up" or "following");
        await stopWriting.CancelAsync();
        var writes = await writer;
        await WaitForListenerAsync(last, jobId);
        var cutBack = await CutOverAsync(jobId, last);
        Assert.Contains("source equals target for 3 collections; lag 0", cutBack, StringComparison.Ordinal);
        var exit = await last.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit == 0, $"sync-back exit {exit}: {last.Error}\n{last.Output}");
        await TargetComparison.AssertEqualAsync(servers.TargetClient, servers.SourceClient, Renamed, Database, Ct);

        // Cut back: a further run has nothing to follow.
        var (code, _, error) = await CliRunner.RunAsync([.. SyncBackArguments(jobId)]);
        Assert.Equal(1, code);
        Assert.Contains("was cut back already", error, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"sync-back kill: {writes} writes on the target through a kill and a Ctrl+C; {cutBack}");
    }

    [Fact]
    public async Task A_source_document_that_something_else_wrote_during_the_sync_back_is_a_mismatch_and_the_cutover_back_is_refused()
    {
        const string Database = "syncback_mismatch";
        const string Renamed = "syncback_mismatch_r";
        var jobId = "sync-back-mismatch";
        var targets = await MigrateAndCutOverAsync(jobId, Database, Renamed, 95);
        var source = servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("a");

        // The application changes a document on the target; something else writes the same document on the source, a
        // field the application's change does not touch: once that change is applied back, the two still differ.
        await targets[0].UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 5), Builders<BsonDocument>.Update.Set("n2", 1), cancellationToken: Ct);
        await source.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 5), Builders<BsonDocument>.Update.Set("stray", true), cancellationToken: Ct);

        await using var syncBack = ChildProcess.Start(SyncBackArguments(jobId));
        await WaitForSyncBackAsync(syncBack, jobId, status => status?.Phase == "following");
        await WaitForListenerAsync(syncBack, jobId);
        await using (var cutover = ChildProcess.Start(["cutover", "--job-id", jobId, "--work-dir", _work, "--json", "--timeout", "60"]))
        {
            var exit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
            Assert.True(exit == 1, $"cutover back exit {exit}: {cutover.Output}{cutover.Error}\nsync-back: {syncBack.Error}");
            using var answer = JsonDocument.Parse(cutover.Output);
            Assert.False(answer.RootElement.GetProperty("cutOver").GetBoolean());
            var message = answer.RootElement.GetProperty("message").GetString()!;
            Assert.StartsWith("not cut back", message, StringComparison.Ordinal);
            Assert.Contains("rechecked by the continuous verification, but 1 document(s) still differ once every change to them was applied", message, StringComparison.Ordinal);
            Assert.Contains($"{Renamed}.a", message, StringComparison.Ordinal);
            Assert.Equal(1, answer.RootElement.GetProperty("verifier").GetProperty("mismatches").GetInt32());
        }

        // Not called equal, and the sync-back follows on; the source keeps what the other writer left.
        Assert.False(syncBack.HasExited, syncBack.Error);
        Assert.True((await source.Find(Builders<BsonDocument>.Filter.Eq("_id", 5)).SingleAsync(Ct)).Contains("stray"));
        await syncBack.InterruptAsync(Ct);
        var stopped = await syncBack.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(stopped == 1, $"interrupted sync-back exit {stopped}: {syncBack.Error}\n{syncBack.Output}");
        Assert.NotEqual("cut over", (await SyncBackStatusAsync(jobId))?.Phase);
    }

    [Fact]
    public async Task A_sync_back_is_refused_before_the_cutover_and_for_a_job_that_is_not_online()
    {
        const string Database = "syncback_refused";
        var db = servers.SourceClient.GetDatabase(Database);
        await db.DropCollectionAsync("a", Ct);
        await ConcurrentWriter.SeedAsync([db.GetCollection<BsonDocument>("a")], 50, 93, Ct);

        await using (var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", "sync-back-early", "--source", servers.SourceUri, "--target", servers.TargetUri,
            "--include", $"{Database}.*", "--from", $"{Database}.*", "--to", $"{Database}_online.*",
        ]))
        {
            await WaitForPhaseAsync(migrate, "sync-back-early", "following");
            var (code, output, error) = await CliRunner.RunAsync([.. SyncBackArguments("sync-back-early")]);
            Assert.Equal(1, code);
            Assert.Contains("Job sync-back-early was not cut over (it is following): sync-back starts after a cutover. Cut it over first with mongomigrate cutover --job-id sync-back-early", error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
            using var json = JsonDocument.Parse(output);
            Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        }

        var (copied, copyOutput, copyError) = await CliRunner.RunAsync(
            "migrate", "--work-dir", _work, "--job-id", "sync-back-offline", "--source", servers.SourceUri, "--target", servers.TargetUri,
            "--include", $"{Database}.*", "--from", $"{Database}.*", "--to", $"{Database}_offline.*");
        Assert.True(copied == 0, copyOutput + copyError);
        var (refused, _, offlineError) = await CliRunner.RunAsync([.. SyncBackArguments("sync-back-offline")]);
        Assert.Equal(1, refused);
        Assert.Contains("Job sync-back-offline is not an online job (it was started without --online)", offlineError, StringComparison.Ordinal);

        var (usage, _, usageError) = await CliRunner.RunAsync("sync-back", "--job-id", "sync-back-offline", "--work-dir", _work);
        Assert.Equal(2, usage);
        Assert.Contains("sync-back needs the job's --source and --target again", usageError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_left_blocked_by_the_cutover_stops_the_sync_back_with_what_to_do()
    {
        const string Database = "syncback_blocked";
        var jobId = "sync-back-blocked";
        var targets = await MigrateAndCutOverAsync(jobId, Database, "syncback_blocked_r", 94, blockWrites: true);
        try
        {
            await targets[0].InsertOneAsync(new BsonDocument { { "_id", 2000 }, { "inserted", "after a blocked cutover" } }, cancellationToken: Ct);
            await using var syncBack = ChildProcess.Start(SyncBackArguments(jobId));
            var exit = await syncBack.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
            Assert.True(exit == 1, $"sync-back exit {exit}: {syncBack.Error}\n{syncBack.Output}");
            using var summary = JsonDocument.Parse(syncBack.Output);
            Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
            Assert.Contains("The source refuses user writes (the cutover's --block-writes leaves it blocked)", summary.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "setUserWriteBlockMode", 1 }, { "global", false } }, cancellationToken: Ct);
        }
    }

    /// <summary>Seeds three collections, migrates them online under a rename, cuts over; returns the target's collections.</summary>
    private async Task<IReadOnlyList<IMongoCollection<BsonDocument>>> MigrateAndCutOverAsync(string jobId, string database, string renamed, int seed, bool blockWrites = false)
    {
        var db = servers.SourceClient.GetDatabase(database);
        var names = new[] { "a", "b", "c" };
        foreach (var name in names)
        {
            await db.DropCollectionAsync(name, Ct);
            await servers.TargetClient.GetDatabase(renamed).DropCollectionAsync(name, Ct);
        }

        await ConcurrentWriter.SeedAsync([.. names.Select(n => db.GetCollection<BsonDocument>(n))], 150, seed, Ct);
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--method", "direct", "--work-dir", _work, "--job-id", jobId, "--source", servers.SourceUri, "--target", servers.TargetUri,
            "--include", $"{database}.*", "--from", $"{database}.*", "--to", $"{renamed}.*",
        ]);
        await WaitForPhaseAsync(migrate, jobId, "following");
        await WaitForListenerAsync(migrate, jobId);
        string[] cutoverArguments = ["cutover", "--job-id", jobId, "--work-dir", _work, "--json", "--timeout", "60"];
        await using var cutover = ChildProcess.Start(blockWrites ? [.. cutoverArguments, "--block-writes"] : cutoverArguments);
        var exit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(exit == 0, $"cutover exit {exit}: {cutover.Output}{cutover.Error}\nmigrate: {migrate.Error}");
        var migrated = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(migrated == 0, $"migrate exit {migrated}: {migrate.Error}\n{migrate.Output}");
        return [.. names.Select(n => servers.TargetClient.GetDatabase(renamed).GetCollection<BsonDocument>(n))];
    }

    private string[] SyncBackArguments(string jobId) =>
        ["sync-back", "--job-id", jobId, "--work-dir", _work, "--source", servers.SourceUri, "--target", servers.TargetUri, "--json"];

    /// <summary>Asks the running sync-back to cut back from another process; returns its message (exit 0 asserted).</summary>
    private async Task<string> CutOverAsync(string jobId, ChildProcess syncBack)
    {
        await using var cutover = ChildProcess.Start(["cutover", "--job-id", jobId, "--work-dir", _work, "--json", "--timeout", "60"]);
        var exit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(exit == 0, $"cutover back exit {exit}: {cutover.Output}{cutover.Error}\nsync-back: {syncBack.Error}");
        using var answer = JsonDocument.Parse(cutover.Output);
        Assert.True(answer.RootElement.GetProperty("cutOver").GetBoolean());
        Assert.Equal(0, answer.RootElement.GetProperty("lagSeconds").GetInt32());
        return answer.RootElement.GetProperty("message").GetString()!;
    }

    /// <summary>The application on the target: a stream of writes until stopped.</summary>
    private static async Task<int> WriteUntilStoppedAsync(IReadOnlyList<IMongoCollection<BsonDocument>> collections, int seed, CancellationToken cancellationToken)
    {
        var writes = 0;
        try
        {
            for (var round = 0; !cancellationToken.IsCancellationRequested; round++)
            {
                writes += await ConcurrentWriter.RunAsync(collections, 50, seed + round, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before the cutover back.
        }

        return writes;
    }

    private async Task<OnlineStatus?> SyncBackStatusAsync(string jobId)
    {
        var path = JobFolder.StatePath(Path.Combine(_work, jobId));
        await using var state = await SqliteJobStateStore.OpenAsync(path, cancellationToken: Ct);
        return await state.SyncBack.GetOnlineStatusAsync(jobId, Ct);
    }

    private async Task WaitForSyncBackAsync(ChildProcess syncBack, string jobId, Func<OnlineStatus?, bool> reached)
    {
        var watch = Stopwatch.StartNew();
        while (!reached(await SyncBackStatusAsync(jobId)))
        {
            Assert.False(syncBack.HasExited, $"sync-back ended: {syncBack.Error}{syncBack.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), $"sync-back never reached the state awaited: {await SyncBackStatusAsync(jobId)}");
            await Task.Delay(20, Ct);
        }
    }

    private async Task WaitForPhaseAsync(ChildProcess migrate, string jobId, string phase)
    {
        var watch = Stopwatch.StartNew();
        while ((await JobSnapshot.ReadAsync(Path.Combine(_work, jobId), jobId, Ct)).OnlinePhase != phase)
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), $"migrate --online never reached {phase}");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>The running process listens for cutover requests once it holds the job's lock; the socket appears in its folder then.</summary>
    private async Task WaitForListenerAsync(ChildProcess process, string jobId)
    {
        var socket = Path.Combine(_work, jobId, "cutover.sock");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.False(process.HasExited, $"the process ended: {process.Error}{process.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the process never listened for cutover requests");
            await Task.Delay(20, Ct);
        }
    }
}
