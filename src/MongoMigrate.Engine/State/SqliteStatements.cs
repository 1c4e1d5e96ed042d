using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// The job state's statements, prepared once per SQL text and run again with new parameters. Preparing (parsing
/// and planning) cost about as much as running a small change, and a thousand collections make thousands of the
/// same few changes. Used only on the thread that owns the connection (<see cref="SqliteCommitQueue"/>); a
/// statement handed out is used before the next one is asked for, so one command per text is enough.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    /// <summary>Distinct texts kept at most; the store has a few dozen, so this only bounds a mistake.</summary>
    private const int MaxStatements = 128;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The statement for <paramref name="sql"/> in <paramref name="transaction"/>, with these parameters bound.</summary>
    public SqliteCommand For(SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxStatements)
            {
                Dispose();
            }

            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
