using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>
/// A job running in this process: its live progress and pools, and the actions that steer it. Every action goes
/// through the job's <see cref="JobSteering"/> (the same calls as the keys) or cancels its run as the stop key does.
/// </summary>
public sealed class LiveJob : IDashboardJob
{
    private const int HistoryLength = 600;

    private readonly IRunningJob _job;
    private readonly Task _run;
    private readonly CancellationTokenSource _stop;
    private readonly LiveJobInfo _info;
    private readonly TimeProvider _time;
    private readonly StateFile? _state;
    private readonly Func<string, string> _redact;
    private readonly Lock _lock = new();
    private readonly Queue<ThroughputSample> _history = new();
    private readonly OnlineSteering? _online;
    private readonly VerificationRunner? _verifier;
    private string? _source;
    private string? _target;
    private string? _outcome;
    private string? _error;

    /// <param name="job">The running job.</param>
    /// <param name="run">Its run; the job is finished when it completes.</param>
    /// <param name="stop">Cancelled to stop the job resumably, as the stop key does.</param>
    /// <param name="info">Its kind, state file and masked endpoints.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="redact">Masks secrets in any text taken from the job (error messages).</param>
    public LiveJob(IRunningJob job, Task run, CancellationTokenSource stop, LiveJobInfo info, TimeProvider timeProvider, Func<string, string> redact)
    {
        _job = job;
        _run = run;
        _stop = stop;
        _info = info;
        _time = timeProvider;
        _redact = redact;
        _source = info.Source is null ? null : redact(info.Source);
        _target = info.Target is null ? null : redact(info.Target);
        _state = info.StatePath is null ? null : new StateFile(info.StatePath, job.JobId, redact, keepOpen: true);
        _online = job is IOnlineJob online ? new OnlineSteering(online, job.JobId, timeProvider, redact) : null;
        _verifier = info.Verifier is { } setup ? new VerificationRunner(setup, job.JobId, timeProvider, redact) : null;
        Finished = FinishAsync();
    }

    public string JobId => _job.JobId;

    public bool IsSteerable => !_run.IsCompleted && !_stop.IsCancellationRequested;

    /// <summary>Completes once the run ended and its outcome is known.</summary>
    public Task Finished { get; }

    /// <summary>Waits for the reads of the state under way and closes it; later reads find no state.</summary>
    public ValueTask CloseStateAsync() => _state?.DisposeAsync() ?? ValueTask.CompletedTask;

    public JobSteering Steering => _job.Steering;

    public JobDetail Detail()
    {
        var snapshot = _job.Progress.Snapshot();
        var collections = snapshot.Collections;
        var settings = _job.Steering.Settings;
        var phases = ProgressFigures.Phases(collections);
        return new JobDetail
        {
            JobId = JobId,
            Kind = _info.Kind,
            State = State(),
            Phase = snapshot.Phase,
            Steerable = IsSteerable,
            NotSteerable = _run.IsCompleted ? $"finished ({State()}): there is nothing to steer." : _stop.IsCancellationRequested ? "stopping: resume it with --resume to steer it again." : null,
            Source = _source,
            Target = _target,
            Method = _info.Method,
            ElapsedSeconds = snapshot.Elapsed.TotalSeconds,
            Documents = snapshot.Documents,
            Bytes = snapshot.Bytes,
            EstimatedDocuments = collections.Sum(c => Math.Max(c.EstimatedDocuments, c.Documents)),
            EstimatedBytes = snapshot.EstimatedBytes,
            Percent = snapshot.Percent,
            DocumentsPerSecond = snapshot.DocumentsPerSecond,
            BytesPerSecond = snapshot.BytesPerSecond,
            EtaSeconds = snapshot.Eta?.TotalSeconds,
            Collections = phases,
            Chunks = ProgressFigures.Chunks(collections),
            Workers = Workers(),
            Verification = new VerificationStatus(
                _info.Verification ?? "unknown",
                phases.Verifying,
                _info.Verification == "full" ? phases.Done : 0,
                phases.Failed),
            VerificationRun = _verifier?.Status(),
            Online = _online?.Figures(snapshot.Phase),
            Error = Volatile.Read(ref _error),
        };
    }

    public JobPools? Pools() => _run.IsCompleted || _job.Pools is not { } pools ? null : ProgressFigures.Pools(pools, _time.GetUtcNow());

    public Task<IReadOnlyList<CollectionRow>> CollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CollectionRow>>([.. _job.Progress.Snapshot().Collections.Select(ProgressFigures.Row)]);

    public Task<IReadOnlyList<ChunkRow>> ChunksAsync(string sourceNamespace, CancellationToken cancellationToken) =>
        _state?.ChunksAsync(sourceNamespace, cancellationToken) ?? Task.FromResult<IReadOnlyList<ChunkRow>>([]);

    public Task<IReadOnlyList<ChunkCount>> ChunkCountsAsync(CancellationToken cancellationToken) =>
        _state?.ChunkCountsAsync(cancellationToken) ?? Task.FromResult<IReadOnlyList<ChunkCount>>([]);

    public Task<IReadOnlyList<ErrorRow>> ErrorsAsync(int limit, CancellationToken cancellationToken) =>
        _state?.ErrorsAsync(limit, cancellationToken) ?? Task.FromResult<IReadOnlyList<ErrorRow>>([]);

    public IReadOnlyList<ThroughputSample> Throughput()
    {
        lock (_lock)
        {
            return [.. _history];
        }
    }

    /// <summary>Takes a throughput sample (the dashboard's pulse calls it once a second) and fills in what the state knows.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        if (_run.IsCompleted)
        {
            return;
        }

        var snapshot = _job.Progress.Snapshot();
        var online = _online?.Figures(snapshot.Phase);
        lock (_lock)
        {
            _history.Enqueue(new ThroughputSample(_time.GetUtcNow(), snapshot.BytesPerSecond, snapshot.DocumentsPerSecond, snapshot.Bytes, snapshot.Documents, online?.LagSeconds, online?.EventsPerSecond));
            while (_history.Count > HistoryLength)
            {
                _history.Dequeue();
            }
        }

        if ((_source is null || _target is null) && _state is not null && await _state.DefinitionAsync(cancellationToken).ConfigureAwait(false) is { } definition)
        {
            _source ??= _redact(definition.Source);
            _target ??= _redact(definition.Target);
        }
    }

    /// <summary>Sets a pool's count through the job's steering, as the keys do; a count out of range is refused.</summary>
    public ActionResult SetWorkers(string pool, int count) => Steer(() => SetWorkersNow(pool, count));

    public ActionResult Pause() => Steer(() =>
    {
        _job.Steering.Pause();
        return new ActionResult("paused: running chunks finish their step, no new ones start", Workers());
    });

    public ActionResult Unpause() => Steer(() =>
    {
        _job.Steering.Unpause();
        return new ActionResult("resumed", Workers());
    });

    public ActionResult SetAdaptive(bool enabled) => Steer(() =>
    {
        _job.Steering.SetAdaptive(enabled);
        return new ActionResult(enabled ? "adaptive: worker counts follow the measured throughput" : "adaptive off: worker counts stay where they are", Workers());
    });

    public ActionResult Stop() => Steer(() =>
    {
        _stop.Cancel();
        return new ActionResult("stopping: finished chunks are kept, running ones will be redone on resume", Workers());
    });

    /// <summary>
    /// Asks the job to cut over through the engine call the key c and the `cutover` command make, and waits for its
    /// answer: cut over at T with the target equal to the source, or why not (following then goes on).
    /// </summary>
    /// <param name="body">Block the source's writes first, and how long to wait.</param>
    /// <param name="changed">Called when the cutover is under way, so that watchers see it at once.</param>
    /// <param name="cancellationToken">Stops waiting (the request stays with the engine).</param>
    public async Task<CutoverOutcome> CutOverAsync(CutoverBody body, Action changed, CancellationToken cancellationToken)
    {
        EnsureSteerable();
        if (_online is null)
        {
            throw new JobActionException(409, $"job {JobId} is a {_info.Kind} job: only an online migration (migrate --online) cuts over.");
        }

        var cutover = _online.CutOverAsync(body, cancellationToken);
        changed();
        return await cutover.ConfigureAwait(false);
    }

    /// <summary>Starts the engine's verifier over the job's collections whose copy is done; its status and mismatches show in the job.</summary>
    /// <param name="changed">Called when it ends, so that watchers see its result.</param>
    public VerificationRun StartVerification(Action changed)
    {
        EnsureSteerable();
        if (_verifier is null)
        {
            throw new JobActionException(409, $"job {JobId} ({_info.Kind}) cannot start a verification from here: use mongomigrate verify with the same source, target and selection.");
        }

        return _verifier.Start(_job.Progress.Snapshot().Collections, changed);
    }

    private ActionResult SetWorkersNow(string pool, int count)
    {
        var steering = _job.Steering;
        switch (pool.ToLowerInvariant())
        {
            case "dump" or "restore":
                var kind = pool.Equals("dump", StringComparison.OrdinalIgnoreCase) ? WorkerPoolKind.Dump : WorkerPoolKind.Restore;
                if (Configured(kind) == 0)
                {
                    throw new JobActionException(400, $"job {JobId} has no {pool} pool: a {_info.Kind} job steers only its own pool.");
                }

                var limit = MaxWorkersPerPool();
                if (count < 1 || count > limit)
                {
                    throw new JobActionException(400, $"{pool} workers must be between 1 and {limit}; {count} was asked.");
                }

                var adjustment = kind == WorkerPoolKind.Dump ? steering.AdjustDumpWorkers(count) : steering.AdjustRestoreWorkers(count);
                return new ActionResult(adjustment.Deferred ? $"{pool} workers will be {count} on unpause" : $"{pool} workers set to {count}", Workers());
            case "insertion":
                if (count < 1 || count > JobSteering.MaxInsertionWorkers)
                {
                    throw new JobActionException(400, $"insertion workers must be between 1 and {JobSteering.MaxInsertionWorkers}; {count} was asked.");
                }

                steering.AdjustInsertionWorkers(count);
                return new ActionResult($"insertion workers set to {count} for the chunks that start from now", Workers());
            default:
                throw new JobActionException(400, $"unknown pool '{pool}': use dump, restore or insertion.");
        }
    }

    /// <summary>Runs an action once the job can take it; the engine's refusals become one-line 4xx answers.</summary>
    private ActionResult Steer(Func<ActionResult> action)
    {
        EnsureSteerable();
        try
        {
            return action();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new JobActionException(400, e.Message.Split('\n')[0]);
        }
        catch (InvalidOperationException)
        {
            // The pools are made once the job has connected and read its state.
            throw new JobActionException(409, $"job {JobId} is starting: its pools do not exist yet, try again in a moment.");
        }
    }

    private WorkerSettings Workers()
    {
        var settings = _job.Steering.Settings;
        return new WorkerSettings(settings.DumpWorkers, settings.RestoreWorkers, settings.InsertionWorkers, _job.Steering.IsPaused, _job.Steering.IsAdaptive);
    }

    private int Configured(WorkerPoolKind kind) => kind == WorkerPoolKind.Dump ? _job.Steering.Settings.DumpWorkers : _job.Steering.Settings.RestoreWorkers;

    private int MaxWorkersPerPool() => _job.Steering.MaxWorkersPerPool;

    private void EnsureSteerable()
    {
        if (_run.IsCompleted)
        {
            throw new JobActionException(409, $"job {JobId} has finished ({State()}): there is nothing to steer.");
        }

        if (_stop.IsCancellationRequested)
        {
            throw new JobActionException(409, $"job {JobId} is stopping: resume it with --resume to steer it again.");
        }
    }

    private string State() =>
        Volatile.Read(ref _outcome) ?? (_run.IsCompleted ? "finishing" : _stop.IsCancellationRequested ? "stopping" : _job.Steering.IsPaused ? "paused" : "running");

    private async Task FinishAsync()
    {
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _error, _redact(e.Message));
        }
        finally
        {
            _verifier?.Cancel();
        }

        var record = _state is null ? null : await _state.JobAsync(CancellationToken.None).ConfigureAwait(false);
        if (_state is not null)
        {
            // The job has closed its state: so does the dashboard (a page still open reads it a request at a time).
            await _state.ReleaseKeptAsync().ConfigureAwait(false);
        }

        if (record?.Error is { } error)
        {
            Volatile.Write(ref _error, _redact(error));
        }

        Volatile.Write(ref _outcome, record is { Status: not (JobStatus.Running or JobStatus.Created) } ? record.Status.ToString().ToLowerInvariant()
            : _run.IsFaulted ? "failed"
            : _stop.IsCancellationRequested ? "stopped"
            : "finished");
    }
}
