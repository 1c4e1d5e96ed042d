using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// How the SQLite job state runs its statements: each change on the one commit queue (<see cref="SqliteCommitQueue"/>),
/// with statements prepared once (<see cref="SqliteStatements"/>), and its times from the store's clock. Shared by the
/// store's parts (jobs, collections, chunks), which only say what to change.
/// </summary>
internal sealed class SqliteStateRunner(SqliteCommitQueue queue, SqliteStatements statements, TimeProvider timeProvider)
{
    public Task<T> RunAsync<T>(Func<SqliteTransaction, T> body, CancellationToken cancellationToken) => queue.RunAsync(body, cancellationToken);

    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        queue.RunAsync<IReadOnlyList<T>>(
            transaction =>
            {
                using var reader = Command(transaction, sql, parameters).ExecuteReader();
                var result = new List<T>();
                while (reader.Read())
                {
                    result.Add(map(reader));
                }

                return result;
            },
            cancellationToken);

    public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        queue.RunAsync(transaction => Execute(transaction, sql, parameters), cancellationToken);

    /// <summary>Runs several statements as one change: all of them are stored, or (on any error) none.</summary>
    public Task InTransactionAsync(Action<SqliteTransaction> body, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                body(transaction);
                return true;
            },
            cancellationToken);

    public int Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Command(transaction, sql, parameters).ExecuteNonQuery();

    public long Count(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Convert.ToInt64(Command(transaction, sql, parameters).ExecuteScalar(), CultureInfo.InvariantCulture);

    /// <summary>Stores a collection's row as given (inserted, or replacing the one of its namespace).</summary>
    public void UpsertCollection(SqliteTransaction transaction, string jobId, CollectionRecord collection) =>
        Execute(transaction, SqliteJobStateRows.UpsertCollection, SqliteJobStateRows.CollectionValues(jobId, collection));

    public string Now() => timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Throws when a change found nothing to change: the state has no such <paramref name="what"/>.</summary>
    public static void EnsureChanged(int rows, string what)
    {
        if (rows == 0)
        {
            throw new InvalidOperationException($"The job state has no {what}.");
        }
    }

    /// <summary>A prepared statement, reused: only ever called from an operation running on the queue's thread.</summary>
    private SqliteCommand Command(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        statements.For(transaction, sql, parameters);
}
