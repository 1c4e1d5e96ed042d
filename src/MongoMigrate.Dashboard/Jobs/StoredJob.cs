using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>A job read from its state file: what it did and where it stopped, never steered from here.</summary>
internal sealed class StoredJob(JobOverview overview, Func<string, string> redact) : IDashboardJob
{
    private readonly StateFile _state = new(JobFolder.StatePath(overview.Directory), overview.JobId, redact);

    public string JobId => overview.JobId;

    public bool IsSteerable => false;

    public JobDetail Detail()
    {
        var collections = overview.Collections;
        int Count(CollectionStatus status) => collections.Count(c => c.Status == status);
        var estimatedBytes = collections.Sum(c => Math.Max(c.EstimatedBytes, c.Bytes));
        var bytes = overview.Collections.Sum(c => c.Bytes);
        var done = Count(CollectionStatus.Completed);
        var workers = overview.Workers;
        return new JobDetail
        {
            JobId = JobId,
            Kind = overview.Method == JobDefinition.VerifyMethod ? "verify" : "migrate",
            State = overview.State,
            Phase = overview.State,
            Steerable = false,
            NotSteerable = NotSteerable(),
            ResumeCommand = overview.ResumeCommand is null ? null : redact(overview.ResumeCommand),
            CreatedAt = overview.CreatedAt,
            UpdatedAt = overview.UpdatedAt,
            Source = overview.Source is null ? null : redact(overview.Source),
            Target = overview.Target is null ? null : redact(overview.Target),
            Method = overview.Method,
            ElapsedSeconds = overview.CreatedAt is { } created && overview.UpdatedAt is { } updated ? Math.Max(0, (updated - created).TotalSeconds) : 0,
            Documents = overview.Documents,
            Bytes = bytes,
            EstimatedDocuments = Math.Max(overview.EstimatedDocuments, overview.Documents),
            EstimatedBytes = estimatedBytes,
            Percent = overview.Status == JobStatus.Completed ? 100 : estimatedBytes == 0 ? 0 : Math.Min(99.9, 100.0 * bytes / estimatedBytes),
            Collections = new PhaseCounts(collections.Count, collections.Count - done - Count(CollectionStatus.Failed), 0, 0, 0, done, Count(CollectionStatus.Failed)),
            Chunks = new ChunkProgress(overview.ChunksTotal, 0, overview.ChunksRestored, overview.ChunksFailed),
            Workers = new WorkerSettings(workers?.DumpWorkers ?? 0, workers?.RestoreWorkers ?? 0, workers?.InsertionWorkers ?? 0, false, false),
            Verification = new VerificationStatus("unknown", 0, done, Count(CollectionStatus.Failed)),
            Online = overview.Online is { } online
                ? new OnlineFigures(
                    online.Phase,
                    online.EventsCaptured,
                    online.EventsApplied,
                    online.RecordsPending,
                    online.EventsPerSecond,
                    online.LagSeconds,
                    online.AppliedTime == 0 ? null : Engine.Online.CutoverResult.Describe(online.AppliedTime),
                    null)
                : null,
            Error = overview.Error is null ? null : redact(overview.Error),
        };
    }

    public JobPools? Pools() => null;

    private string NotSteerable() => overview switch
    {
        { IsRunning: true } => $"running in another process{(overview.RunningIn is { } who ? $" ({redact(who)})" : string.Empty)}: shown from its state file; steer it from that process's own --dashboard or its terminal's keys.",
        { Status: JobStatus.Completed } => "completed: there is nothing to steer.",
        { ResumeCommand: not null } => $"not running ({overview.State}): resume it with the command below.",
        _ => $"not running ({overview.State}).",
    };

    public Task<IReadOnlyList<CollectionRow>> CollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CollectionRow>>([.. overview.Collections.Select(c => new CollectionRow(
            c.Source,
            c.Target,
            c.Status.ToString().ToLowerInvariant(),
            c.Chunks,
            0,
            c.ChunksRestored,
            c.ChunksFailed,
            c.Documents,
            c.EstimatedDocuments,
            c.Bytes,
            c.EstimatedBytes,
            c.Status == CollectionStatus.Completed ? 100 : c.Chunks == 0 ? 0 : Math.Min(99.9, 100.0 * c.ChunksRestored / c.Chunks),
            c.Error is null ? null : redact(c.Error)))]);

    public Task<IReadOnlyList<ChunkRow>> ChunksAsync(string sourceNamespace, CancellationToken cancellationToken) => _state.ChunksAsync(sourceNamespace, cancellationToken);

    public Task<IReadOnlyList<ChunkCount>> ChunkCountsAsync(CancellationToken cancellationToken) => _state.ChunkCountsAsync(cancellationToken);

    public Task<IReadOnlyList<ErrorRow>> ErrorsAsync(int limit, CancellationToken cancellationToken) => _state.ErrorsAsync(limit, cancellationToken);

    public IReadOnlyList<ThroughputSample> Throughput() => [];
}
