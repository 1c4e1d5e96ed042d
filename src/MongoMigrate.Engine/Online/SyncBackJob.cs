using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// `sync-back` of a cut-over online job: the application now writes to the target, and its changes are followed back
/// to the source (from the target's cluster time recorded at the cutover, renames reversed), so that a rollback stays
/// possible. The same following as the forward job runs with its roles swapped: capture into a spool (in the job
/// folder's sync-back subfolder), apply through the restore pool, checkpoint in the job's state (its own tables), so a
/// stopped or killed run carries on where it stopped. The same continuous verification runs too (its recheck queue in
/// the job's state, tables of its own): every applied change is rechecked, and the cutover back waits for it with no
/// mismatch, as the forward cutover does. It ends with its own cutover back: the source then equals the target.
/// </summary>
public sealed class SyncBackJob : IRunningJob, IOnlineJob
{
    private readonly MongoEndpoint _source;
    private readonly MongoEndpoint _target;
    private readonly SyncBackOptions _options;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<OnlineFollowing?> _following = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OnlineFollowing? _online;

    public SyncBackJob(MongoEndpoint source, MongoEndpoint target, SyncBackOptions options, WorkerPoolCoordinator coordinator, ILoggerFactory loggers, TimeProvider? timeProvider = null)
    {
        _source = source;
        _target = target;
        _options = options;
        _coordinator = coordinator;
        _logger = loggers.CreateLogger("MongoMigrate.SyncBack");
        _time = timeProvider ?? TimeProvider.System;
        JobId = options.JobId;
        JobDirectory = JobFolder.Of(options.WorkDirectory, options.JobId);
        Progress = new JobProgress(_time) { Phase = "connecting" };
        Steering = new JobSteering(coordinator, JobId, new PoolSettings(1, options.RestoreWorkers ?? 4, 1), WorkerPoolKind.Restore, _logger);
    }

    public string JobId { get; }

    public string JobDirectory { get; }

    public JobProgress Progress { get; }

    public JobWorkerPoolsSnapshot? Pools => _coordinator.GetJobSnapshot(JobId);

    public JobSteering Steering { get; }

    public bool IsOnline => true;

    public ChangeStreamProgressSnapshot? Following => Volatile.Read(ref _online)?.Progress;

    /// <summary>Completes with true once the target is followed (the job was checked and its lock is held), false when the run ended first.</summary>
    public Task<bool> Started => IsFollowingAsync();

    /// <summary>The continuous verification's status while following, when the sync-back runs one.</summary>
    public Verifying.RecheckStatus? Rechecks => Volatile.Read(ref _online)?.Rechecks;

    /// <summary>The cutover back: every change of the target up to its cluster time T applied to the source, then rechecked.</summary>
    public async Task<CutoverResult> RequestCutoverAsync(CutoverRequest request, CancellationToken cancellationToken)
    {
        var online = await _following.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return online is null
            ? new CutoverResult { CutOver = false, Message = $"not cut back: the sync-back of job {JobId} ended before it could follow the target." }
            : SyncBackReport.Reworded(await online.RequestCutoverAsync(request, cancellationToken).ConfigureAwait(false));
    }

    private async Task<bool> IsFollowingAsync() => await _following.Task.ConfigureAwait(false) is not null;

    public async Task<SyncBackSummary> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!File.Exists(JobFolder.StatePath(JobDirectory)))
            {
                throw new MigrationException($"There is no job {JobId} in {_options.WorkDirectory}: check --job-id and --work-dir (mongomigrate jobs lists them).");
            }

            var state = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(JobDirectory), _time, cancellationToken).ConfigureAwait(false);
            await using (state.ConfigureAwait(false))
            {
                // Refused first when the job cannot be followed back (not online, not cut over: even while its migrate runs),
                // then read again under the job's lock.
                _ = await SyncBackPlan.ReadAsync(state, JobId, _options.WorkDirectory, _source, _target, cancellationToken).ConfigureAwait(false);
                using var jobLock = JobLock.Acquire(JobDirectory, JobId, _time);
                var plan = await SyncBackPlan.ReadAsync(state, JobId, _options.WorkDirectory, _source, _target, cancellationToken).ConfigureAwait(false);
                if (plan.CutBackAlready)
                {
                    throw new MigrationException($"The sync-back of job {JobId} was cut back already: the source equals the target as of that cutover and nothing follows the target any more. Compare the two sides with mongomigrate verify, or start a new job.");
                }

                try
                {
                    return await FollowBackAsync(state, plan, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _coordinator.CleanupJob(JobId);
                }
            }
        }
        finally
        {
            _following.TrySetResult(null);
        }
    }

    private async Task<SyncBackSummary> FollowBackAsync(SqliteJobStateStore state, SyncBackPlan plan, CancellationToken cancellationToken)
    {
        // Roles swapped: the job's target is read, its source written.
        using var targetClient = new MongoClient(_target.CreateSettings(_options.ConnectTimeout));
        using var sourceClient = new MongoClient(_source.CreateSettings(_options.ConnectTimeout));
        await Task.WhenAll(
            ConnectionProbe.CheckAsync(sourceClient, _source, _options.ConnectTimeout, cancellationToken),
            ConnectionProbe.CheckAsync(targetClient, _target, _options.ConnectTimeout, cancellationToken)).ConfigureAwait(false);
        var restoreWorkers = _options.RestoreWorkers ?? plan.RestoreWorkers;
        Steering.Remember(new PoolSettings(1, restoreWorkers, 1));
        Steering.OpenPools();
        var online = await OnlineFollowing.StartAsync(
            new OnlineSettings
            {
                JobId = JobId,
                Source = targetClient,
                Target = sourceClient,
                Collections = plan.Collections,
                Store = state.SyncBack,
                JobDirectory = Path.Combine(JobDirectory, "sync-back"),
                Pools = _coordinator,
                RestoreWorkers = restoreWorkers,
                Progress = Progress,
                Logger = _logger,
                StartTime = plan.StartTime,
                TimeProvider = _time,
                Rechecks = state.SyncBackRechecks,
                DumpWorkers = plan.DumpWorkers,
            },
            cancellationToken).ConfigureAwait(false);
        await using (online.ConfigureAwait(false))
        {
            // Nothing is copied: every collection's changes apply as they come.
            foreach (var (followed, _) in plan.Collections)
            {
                online.MarkReady(followed);
            }

            Volatile.Write(ref _online, online);
            _following.TrySetResult(online);
            _logger.LogInformation("Sync-back of job {JobId}: following the target back to the source from {Start}", JobId, CutoverResult.Describe(plan.StartTime));
            try
            {
                var cutover = SyncBackReport.Reworded(await online.FollowUntilCutOverAsync(cancellationToken).ConfigureAwait(false));
                Progress.Phase = "cut back";
                return Summary(SyncBackSummary.CutBack, plan, online, null) with { Cutover = cutover };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Progress.Phase = "stopped";
                return Summary(SyncBackSummary.Stopped, plan, online, $"Stopped; every applied change is checkpointed. Carry on with: mongomigrate sync-back --job-id {JobId} --work-dir {_options.WorkDirectory} (and the same --source and --target).");
            }
            catch (Exception e) when (e is MigrationException or MongoException)
            {
                Progress.Phase = "failed";
                var reason = ErrorDescription.Of(e);
                var blocked = reason.Contains("UserWritesBlocked", StringComparison.Ordinal) || reason.Contains("371", StringComparison.Ordinal)
                    ? " The source refuses user writes (the cutover's --block-writes leaves it blocked): run db.adminCommand({setUserWriteBlockMode: 1, global: false}) on it, or connect as a user with the bypassWriteBlockingMode privilege."
                    : string.Empty;
                return Summary(SyncBackSummary.Failed, plan, online, $"Following the target back stopped: {reason}.{blocked} Fix the cause and carry on with: mongomigrate sync-back --job-id {JobId} --work-dir {_options.WorkDirectory}.");
            }
        }
    }

    private SyncBackSummary Summary(string status, SyncBackPlan plan, OnlineFollowing online, string? reason) => new()
    {
        JobId = JobId,
        Status = status,
        Collections = plan.Collections.Count,
        Reason = reason,
        EventsApplied = online.Progress.EventsApplied,
        Elapsed = Progress.Elapsed,
    };
}
