using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>
/// Reads a job's chunks, errors and record from its state file, beside the process that may be writing it. For a job
/// running here (<paramref name="keepOpen"/>) one read-only connection serves every read until disposed, instead of a
/// connection, a thread and the statements' preparation for each request of a page open on the job.
/// </summary>
internal sealed class StateFile(string path, string jobId, Func<string, string> redact, bool keepOpen = false) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private Task<SqliteJobStateStore>? _store;
    private bool _closed;
    private bool _released;
    private int _reads;
    private int _keptReads;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource? _keptUnused;

    public string Path { get; } = path;

    public async Task<IReadOnlyList<ChunkRow>> ChunksAsync(string sourceNamespace, CancellationToken cancellationToken) =>
        await ReadAsync<IReadOnlyList<ChunkRow>>(
            async store => [.. (await store.GetChunksAsync(jobId, sourceNamespace, cancellationToken).ConfigureAwait(false)).Select(c => new ChunkRow(
                c.Index, c.Description, Status(c.Status), c.Attempts, c.Documents, c.Bytes, c.VerifiedDocuments is not null, c.Error is null ? null : redact(c.Error)))],
            []).ConfigureAwait(false);

    public async Task<IReadOnlyList<ChunkCount>> ChunkCountsAsync(CancellationToken cancellationToken) =>
        await ReadAsync<IReadOnlyList<ChunkCount>>(
            async store => [.. (await store.GetChunkTotalsAsync(jobId, cancellationToken).ConfigureAwait(false))
                .GroupBy(t => t.Status)
                .OrderBy(g => g.Key)
                .Select(g => new ChunkCount(Status(g.Key), g.Sum(t => t.Chunks), g.Sum(t => t.Documents), g.Sum(t => t.Bytes)))],
            []).ConfigureAwait(false);

    public async Task<IReadOnlyList<ErrorRow>> ErrorsAsync(int limit, CancellationToken cancellationToken) =>
        await ReadAsync<IReadOnlyList<ErrorRow>>(
            async store => [.. (await store.GetErrorsAsync(jobId, limit, cancellationToken).ConfigureAwait(false)).Select(e => new ErrorRow(
                e.At, e.Kind.ToString(), e.SourceNamespace, e.ChunkIndex, e.Attempt, redact(e.Message)))],
            []).ConfigureAwait(false);

    public async Task<JobRecord?> JobAsync(CancellationToken cancellationToken) =>
        await ReadAsync(store => store.GetJobAsync(jobId, cancellationToken), null).ConfigureAwait(false);

    /// <summary>The stored definition (URIs already masked when it was written), or null before the job wrote it.</summary>
    public async Task<JobDefinition?> DefinitionAsync(CancellationToken cancellationToken) =>
        await JobAsync(cancellationToken).ConfigureAwait(false) is { } job ? JobDefinition.FromJson(job.DefinitionJson) : null;

    public static string Status(ChunkStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Runs <paramref name="read"/> on the state; a file not written yet or not readable gives <paramref name="none"/>.</summary>
    private async Task<T> ReadAsync<T>(Func<IJobStateStore, Task<T>> read, T none)
    {
        // A job that has not written its state yet has nothing to show; once disposed, the file is not touched again.
        if (!File.Exists(Path) || !BeginRead())
        {
            return none;
        }

        var usedKept = false;
        try
        {
            if (await KeptAsync().ConfigureAwait(false) is { } kept)
            {
                usedKept = true;
                return await read(kept).ConfigureAwait(false);
            }

            // Read only: the job's own writes never wait for the dashboard's reads (nor the other way round).
            var store = await SqliteJobStateStore.OpenReadOnlyAsync(Path).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                return await read(store).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A state being rewritten or locked for long: the next request reads it again.
            return none;
        }
        finally
        {
            EndRead(usedKept);
        }
    }

    /// <summary>
    /// Closes the connection kept open once the reads using it are done (the job has closed its state); later reads
    /// open one each.
    /// </summary>
    public async Task ReleaseKeptAsync()
    {
        Task<SqliteJobStateStore>? store;
        Task unused;
        lock (_lock)
        {
            _released = true;
            store = _store;
            _store = null;
            _keptUnused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_keptReads == 0)
            {
                _keptUnused.TrySetResult();
            }

            unused = _keptUnused.Task;
        }

        await unused.ConfigureAwait(false);
        await CloseAsync(store).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the reads under way and closes the connection kept open; later reads answer as if there were no
    /// state, so nothing opens the file once this returns (its folder may be deleted).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task<SqliteJobStateStore>? store;
        Task drained;
        lock (_lock)
        {
            _closed = true;
            _released = true;
            store = _store;
            _store = null;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_reads == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        await drained.ConfigureAwait(false);
        await CloseAsync(store).ConfigureAwait(false);
    }

    private static async Task CloseAsync(Task<SqliteJobStateStore>? store)
    {
        if (store is null)
        {
            return;
        }

        try
        {
            await (await store.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // It never opened: nothing to close.
        }
    }

    private bool BeginRead()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _reads++;
            return true;
        }
    }

    private void EndRead(bool usedKept)
    {
        lock (_lock)
        {
            if (usedKept && --_keptReads == 0 && _released)
            {
                _keptUnused?.TrySetResult();
            }

            if (--_reads == 0 && _closed)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>The connection kept open for a job running here, opened at the first read; null otherwise or once released.</summary>
    private async Task<SqliteJobStateStore?> KeptAsync()
    {
        if (!keepOpen)
        {
            return null;
        }

        Task<SqliteJobStateStore> store;
        lock (_lock)
        {
            if (_released)
            {
                return null;
            }

            store = _store ??= SqliteJobStateStore.OpenReadOnlyAsync(Path);
            _keptReads++;
        }

        try
        {
            return await store.ConfigureAwait(false);
        }
        catch
        {
            // Not readable yet: the next read tries again.
            lock (_lock)
            {
                if (ReferenceEquals(_store, store))
                {
                    _store = null;
                }

                if (--_keptReads == 0 && _released)
                {
                    _keptUnused?.TrySetResult();
                }
            }

            throw;
        }
    }
}
