using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// Wraps a job's state to kill the job between two state changes: the change numbered <c>crashAt</c> is never
/// made, the run's token is cancelled, and from then on every call fails, as if the process had died. It also
/// audits every claim that a chunk is restored: at that very moment, the target must hold the chunk's
/// documents, counted over the chunk's _id range.
/// </summary>
internal sealed class CrashingJobStateStore(IJobStateStore inner, IMongoClient target, int crashAt, Action? onCrash) : IJobStateStore
{
    private readonly Dictionary<string, string> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _changes;
    private bool _crashed;

    /// <summary>Crash at the first change of this name (e.g. "SaveCollectionPlan") instead of at a number.</summary>
    public string? CrashOn { get; init; }

    /// <summary>Called after each change is made, with its name and how many changes of that name were made.</summary>
    public Action<string, int>? OnChange { get; init; }

    /// <summary>Awaited after each change is made, before the job goes on: the test changes the world at that very moment.</summary>
    public Func<string, int, Task>? OnChangeAsync { get; init; }

    /// <summary>The state change the crash hit, e.g. "MarkChunkDumped"; null when it did not happen.</summary>
    public string? CrashedAt { get; private set; }

    /// <summary>Changes made (not counting the one the crash prevented).</summary>
    public int Changes => Volatile.Read(ref _changes);

    /// <summary>Chunks claimed restored whose range the audit counted on the target.</summary>
    public int AuditedRestores { get; private set; }

    public Task CreateJobAsync(JobRecord job, IReadOnlyList<CollectionRecord> collections, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(CreateJobAsync), () => inner.CreateJobAsync(job, collections, cancellationToken));

    public Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) => Read(() => inner.GetJobAsync(jobId, cancellationToken));

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken) => Read(() => inner.ListJobsAsync(cancellationToken));

    public Task UpdateJobAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken) =>
        ChangeAsync($"{nameof(UpdateJobAsync)}({status})", () => inner.UpdateJobAsync(jobId, status, error, cancellationToken));

    public Task SavePoolSettingsAsync(string jobId, PoolSettings settings, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(SavePoolSettingsAsync), () => inner.SavePoolSettingsAsync(jobId, settings, cancellationToken));

    public Task<PoolSettings?> GetPoolSettingsAsync(string jobId, CancellationToken cancellationToken) => Read(() => inner.GetPoolSettingsAsync(jobId, cancellationToken));

    public Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(SaveCollectionPlanAsync), () => inner.SaveCollectionPlanAsync(jobId, collection, chunks, cancellationToken));

    public Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken) => Read(() => inner.GetCollectionsAsync(jobId, cancellationToken));

    public Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken) =>
        ChangeAsync($"{nameof(UpdateCollectionAsync)}({status})", () => inner.UpdateCollectionAsync(jobId, sourceNamespace, status, error, indexErrors, cancellationToken));

    public Task ResetCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(ResetCollectionAsync), () => inner.ResetCollectionAsync(jobId, collection, cancellationToken));

    public Task RecordChunkVerificationsAsync(string jobId, string sourceNamespace, IReadOnlyList<ChunkVerification> results, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(RecordChunkVerificationsAsync), () => inner.RecordChunkVerificationsAsync(jobId, sourceNamespace, results, cancellationToken));

    public Task CompleteCollectionAsync(string jobId, string sourceNamespace, string? indexErrors, long? verifiedDocuments, int? verifiedChunks, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(CompleteCollectionAsync), () => inner.CompleteCollectionAsync(jobId, sourceNamespace, indexErrors, verifiedDocuments, verifiedChunks, cancellationToken));

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) => Read(() => inner.GetChunksAsync(jobId, sourceNamespace, cancellationToken));

    public Task<IReadOnlyList<ChunkTotals>> GetChunkTotalsAsync(string jobId, CancellationToken cancellationToken) => Read(() => inner.GetChunkTotalsAsync(jobId, cancellationToken));

    public Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(RecordAttemptAsync), () => inner.RecordAttemptAsync(jobId, sourceNamespace, index, cancellationToken));

    public Task<bool> MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(MarkChunkDumpedAsync), () => inner.MarkChunkDumpedAsync(jobId, sourceNamespace, index, documents, bytes, file, checksum, cancellationToken));

    public Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, ulong? sourceDigest, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(MarkChunkRestoredAsync), async () =>
        {
            await AuditRestoreAsync(jobId, sourceNamespace, index, documents, cancellationToken);
            await inner.MarkChunkRestoredAsync(jobId, sourceNamespace, index, documents, bytes, sourceDigest, cancellationToken);
        });

    public Task<bool> ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(ResetChunkAsync), () => inner.ResetChunkAsync(jobId, sourceNamespace, index, reason, cancellationToken));

    public Task<bool> MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(MarkChunkFailedAsync), () => inner.MarkChunkFailedAsync(jobId, sourceNamespace, index, error, cancellationToken));

    public Task RecordErrorAsync(string jobId, ErrorRecord error, CancellationToken cancellationToken) =>
        ChangeAsync(nameof(RecordErrorAsync), () => inner.RecordErrorAsync(jobId, error, cancellationToken));

    public Task<IReadOnlyList<ErrorRecord>> GetErrorsAsync(string jobId, int limit, CancellationToken cancellationToken) => Read(() => inner.GetErrorsAsync(jobId, limit, cancellationToken));

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task ChangeAsync(string what, Func<Task> change)
    {
        Change(what);
        await change();
        await ChangedAsync(what);
    }

    private async Task<T> ChangeAsync<T>(string what, Func<Task<T>> change)
    {
        Change(what);
        var result = await change();
        await ChangedAsync(what);
        return result;
    }

    private static string Name(string what) => what.Replace("Async", string.Empty, StringComparison.Ordinal);

    private async Task ChangedAsync(string what)
    {
        int count;
        lock (_lock)
        {
            var name = Name(what);
            count = _counts[name] = _counts.GetValueOrDefault(name) + 1;
        }

        OnChange?.Invoke(Name(what), count);
        if (OnChangeAsync is { } onChange)
        {
            await onChange(Name(what), count);
        }
    }

    private void Change(string what)
    {
        bool crashNow;
        lock (_lock)
        {
            if (_crashed)
            {
                throw new SimulatedCrashException();
            }

            var name = Name(what);
            crashNow = (crashAt > 0 && _changes + 1 == crashAt) || (CrashOn is not null && name.StartsWith(CrashOn, StringComparison.Ordinal));
            if (crashNow)
            {
                _crashed = true;
                CrashedAt = name;
            }
            else
            {
                _changes++;
            }
        }

        if (crashNow)
        {
            onCrash?.Invoke();
            throw new SimulatedCrashException();
        }
    }

    private async Task<T> Read<T>(Func<Task<T>> read)
    {
        lock (_lock)
        {
            if (_crashed)
            {
                throw new SimulatedCrashException();
            }
        }

        return await read();
    }

    private async Task AuditRestoreAsync(string jobId, string sourceNamespace, int index, long documents, CancellationToken cancellationToken)
    {
        string targetName;
        lock (_lock)
        {
            _targets.TryGetValue(sourceNamespace, out targetName!);
        }

        if (targetName is null)
        {
            var collections = await inner.GetCollectionsAsync(jobId, cancellationToken);
            targetName = collections.Single(c => c.SourceNamespace == sourceNamespace).TargetNamespace;
            lock (_lock)
            {
                _targets[sourceNamespace] = targetName;
            }
        }

        var chunk = (await inner.GetChunksAsync(jobId, sourceNamespace, cancellationToken)).Single(c => c.Index == index);
        var ns = NamespaceName.Parse(targetName);
        var count = new BsonBuilder().StartDocument().String("count", ns.Collection).Document("query", new RawDocument(chunk.Filter)).End().ToDocument();
        var reply = await new RawCommandRunner(target.GetDatabase(ns.Database)).RunAsync(count, CancellationToken.None);
        var onTarget = reply["n"].TryGetInt64(out var n) ? n : -1;
        if (onTarget != documents)
        {
            throw new InvalidOperationException($"Chunk {index} of {sourceNamespace} was about to be recorded restored with {documents} documents, but the target holds {onTarget} in its range.");
        }

        lock (_lock)
        {
            AuditedRestores++;
        }
    }
}

/// <summary>The simulated death of the process that owned a job's state.</summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash: the process died here")
    {
    }
}
