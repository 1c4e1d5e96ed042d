using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Online;

/// <summary>What a sync-back reads from the job's state: its collections reversed and its start, or a one-line refusal.</summary>
public sealed class SyncBackPlanTests : IAsyncDisposable
{
    private const string Source = "mongodb://source.example:27017/?replicaSet=rs0";
    private const string Target = "mongodb://target.example:27017/?replicaSet=rs0";

    private readonly string _folder = Directory.CreateTempSubdirectory("mm-syncback-plan-").FullName;
    private SqliteJobStateStore? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_cut_over_online_job_is_followed_back_with_its_renames_reversed_from_the_targets_time_at_the_cutover()
    {
        var store = await JobAsync(online: true, JobStatus.Completed, new OnlineStatus { JobId = "j", Phase = OnlinePhase.CutOver, CutoverTime = 10, TargetTime = 20 });

        var plan = await ReadAsync(store);

        Assert.Equal([(NamespaceName.Parse("app_r.a"), NamespaceName.Parse("app.a")), (NamespaceName.Parse("app_r.b"), NamespaceName.Parse("app.b"))], plan.Collections);
        Assert.Equal(20UL, plan.StartTime);
        Assert.Equal(6, plan.RestoreWorkers);
        Assert.False(plan.CutBackAlready);
    }

    [Fact]
    public async Task A_job_that_was_not_cut_over_is_refused_with_the_cutover_to_run()
    {
        var store = await JobAsync(online: true, JobStatus.Running, new OnlineStatus { JobId = "j", Phase = OnlinePhase.Following });

        var refused = await Assert.ThrowsAsync<MigrationException>(() => ReadAsync(store));

        Assert.Equal($"Job j was not cut over (it is following): sync-back starts after a cutover. Cut it over first with mongomigrate cutover --job-id j --work-dir {_folder}.", refused.Message);
    }

    [Fact]
    public async Task An_offline_job_is_refused_as_not_online()
    {
        var store = await JobAsync(online: false, JobStatus.Completed, null);

        var refused = await Assert.ThrowsAsync<MigrationException>(() => ReadAsync(store));

        Assert.StartsWith("Job j is not an online job (it was started without --online)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cutover_without_the_targets_cluster_time_cannot_be_followed_back()
    {
        var store = await JobAsync(online: true, JobStatus.Completed, new OnlineStatus { JobId = "j", Phase = OnlinePhase.CutOver, CutoverTime = 10 });

        var refused = await Assert.ThrowsAsync<MigrationException>(() => ReadAsync(store));

        Assert.Contains("recorded no cluster time on the target", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_deployments_than_the_jobs_are_refused()
    {
        var store = await JobAsync(online: true, JobStatus.Completed, new OnlineStatus { JobId = "j", Phase = OnlinePhase.CutOver, CutoverTime = 10, TargetTime = 20 });

        var refused = await Assert.ThrowsAsync<MigrationException>(() => SyncBackPlan.ReadAsync(
            store, "j", _folder, MongoEndpoint.Parse("source", Target), MongoEndpoint.Parse("target", Source), Ct));

        Assert.Contains("Give the job's own --source and --target", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_back_cut_back_already_is_told()
    {
        var store = await JobAsync(online: true, JobStatus.Completed, new OnlineStatus { JobId = "j", Phase = OnlinePhase.CutOver, CutoverTime = 10, TargetTime = 20 });
        await store.SyncBack.SaveOnlineStatusAsync(new OnlineStatus { JobId = "j", Phase = OnlinePhase.CutOver }, Ct);

        Assert.True((await ReadAsync(store)).CutBackAlready);
    }

    private Task<SyncBackPlan> ReadAsync(SqliteJobStateStore store) =>
        SyncBackPlan.ReadAsync(store, "j", _folder, MongoEndpoint.Parse("source", Source), MongoEndpoint.Parse("target", Target), Ct);

    private async Task<SqliteJobStateStore> JobAsync(bool online, JobStatus status, OnlineStatus? onlineStatus)
    {
        _store = await SqliteJobStateStore.OpenAsync(Path.Combine(_folder, "state.db"), cancellationToken: Ct);
        var definition = new JobDefinition
        {
            Source = Source,
            Target = Target,
            Selection = "app.*",
            Include = ["app.*"],
            Exclude = [],
            Renames = [["app.*", "app_r.*"]],
            Method = "direct",
            RestoreWorkers = 6,
            Online = online,
        };
        var now = DateTimeOffset.UnixEpoch;
        await _store.CreateJobAsync(
            new JobRecord { JobId = "j", DefinitionJson = definition.ToJson(), Status = status, CreatedAt = now, UpdatedAt = now },
            [
                new CollectionRecord { SourceNamespace = "app.a", TargetNamespace = "app_r.a", Status = CollectionStatus.Completed },
                new CollectionRecord { SourceNamespace = "app.b", TargetNamespace = "app_r.b", Status = CollectionStatus.Completed },
            ],
            Ct);
        if (onlineStatus is not null)
        {
            await _store.SaveOnlineStatusAsync(onlineStatus, Ct);
        }

        return _store;
    }
}
