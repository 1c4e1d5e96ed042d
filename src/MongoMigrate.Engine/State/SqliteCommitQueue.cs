using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// Runs the operations on one SQLite connection, one after the other, on a thread of its own, and commits the
/// operations that queued up while the previous commit was syncing as one transaction (group commit). When one
/// of them fails, the transaction is rolled back and each runs again in a transaction of its own, so it fails
/// alone; none of a batch is durable before the commit that ends it. A caller's task completes after its
/// operation is committed, so a change a caller saw succeed survives a crash exactly as with one transaction per
/// change, but a thousand collections changing state at once share a few syncs of the file instead of waiting
/// for one each, and no thread of the pool is blocked on the disk.
/// </summary>
internal sealed class SqliteCommitQueue : IAsyncDisposable
{
    /// <summary>Operations in one transaction at most, so that one commit never waits long for many.</summary>
    private const int MaxBatch = 256;

    private readonly SqliteConnection _connection;
    private readonly BlockingCollection<IOperation> _pending = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private readonly bool _deferred;

    /// <param name="connection">The open connection the queue's thread alone uses.</param>
    /// <param name="deferred">
    /// Transactions take no lock until their first statement (for a read-only connection: its reads then neither wait
    /// for nor hold up the writer of the file, the process that runs the job). Otherwise each takes the write lock at once.
    /// </param>
    public SqliteCommitQueue(SqliteConnection connection, bool deferred = false)
    {
        _connection = connection;
        _deferred = deferred;
        new Thread(Run) { IsBackground = true, Name = "mongomigrate job state" }.Start();
    }

    /// <summary>
    /// Queues <paramref name="body"/>; the task completes with its result once it is committed. Cancellation
    /// counts only until the operation starts: a change is then either made and committed, or not made at all.
    /// </summary>
    public Task<T> RunAsync<T>(Func<SqliteTransaction, T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var operation = new Operation<T>(body, cancellationToken);
        try
        {
            _pending.Add(operation, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(SqliteJobStateStore), "The job state is closed.");
        }

        return operation.Task;
    }

    /// <summary>Lets the operations already queued finish, then stops the thread. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        var first = Interlocked.Exchange(ref _disposed, 1) == 0;
        if (first)
        {
            _pending.CompleteAdding();
        }

        await _stopped.Task.ConfigureAwait(false);
        if (first)
        {
            _pending.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            var batch = new List<IOperation>(MaxBatch);
            foreach (var first in _pending.GetConsumingEnumerable())
            {
                batch.Add(first);
                while (batch.Count < MaxBatch && _pending.TryTake(out var next))
                {
                    batch.Add(next);
                }

                Commit(batch);
                batch.Clear();
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Commit(List<IOperation> batch)
    {
        var live = batch.Where(operation => !operation.CancelIfRequested()).ToList();
        if (live.Count == 0)
        {
            return;
        }

        // A lone operation needs no second try; when one of several fails, the others must not fail with it,
        // so each runs again in a transaction of its own.
        if (live.Count == 1 || !TryCommitTogether(live))
        {
            foreach (var operation in live)
            {
                CommitAlone(operation);
            }
        }
    }

    /// <summary>
    /// Runs every operation in one transaction and commits it. False, with nothing stored, when one of them
    /// throws; a failed commit fails them all (none of them is stored).
    /// </summary>
    private bool TryCommitTogether(List<IOperation> operations)
    {
        try
        {
            using var transaction = _connection.BeginTransaction(_deferred);
            foreach (var operation in operations)
            {
                try
                {
                    operation.Execute(transaction);
                }
                catch (Exception)
                {
                    // Disposing the transaction rolls back what the others did; they run again alone.
                    return false;
                }
            }

            transaction.Commit();
        }
        catch (Exception e)
        {
            foreach (var operation in operations)
            {
                operation.Fail(e);
            }

            return true;
        }

        foreach (var operation in operations)
        {
            operation.Complete();
        }

        return true;
    }

    private void CommitAlone(IOperation operation)
    {
        try
        {
            using var transaction = _connection.BeginTransaction(_deferred);
            operation.Execute(transaction);
            transaction.Commit();
        }
        catch (Exception e)
        {
            operation.Fail(e);
            return;
        }

        operation.Complete();
    }

    private interface IOperation
    {
        bool CancelIfRequested();

        void Execute(SqliteTransaction transaction);

        void Complete();

        void Fail(Exception error);
    }

    private sealed class Operation<T>(Func<SqliteTransaction, T> body, CancellationToken cancellationToken) : IOperation
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public bool CancelIfRequested() => cancellationToken.IsCancellationRequested && _completion.TrySetCanceled(cancellationToken);

        public void Execute(SqliteTransaction transaction) => _result = body(transaction);

        public void Complete() => _completion.TrySetResult(_result!);

        public void Fail(Exception error) => _completion.TrySetException(error);
    }
}
