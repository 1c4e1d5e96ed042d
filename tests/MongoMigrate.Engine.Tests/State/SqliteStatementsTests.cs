using Microsoft.Data.Sqlite;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.State;

public sealed class SqliteStatementsTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly SqliteStatements _statements;

    public SqliteStatementsTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
        create.ExecuteNonQuery();
        _statements = new SqliteStatements(_connection);
    }

    public void Dispose()
    {
        _statements.Dispose();
        _connection.Dispose();
    }

    [Fact]
    public void The_same_text_is_prepared_once_and_runs_with_each_call_s_parameters()
    {
        const string insert = "INSERT INTO items (id, name) VALUES ($id, $name)";
        using (var transaction = _connection.BeginTransaction())
        {
            var first = _statements.For(transaction, insert, [("$id", 1), ("$name", "one")]);
            first.ExecuteNonQuery();
            var second = _statements.For(transaction, insert, [("$id", 2), ("$name", null)]);

            Assert.Same(first, second);
            Assert.Throws<SqliteException>(() => second.ExecuteNonQuery());
            _statements.For(transaction, insert, [("$id", 3), ("$name", "three")]).ExecuteNonQuery();
            transaction.Commit();
        }

        using var read = _connection.BeginTransaction();
        using var reader = _statements.For(read, "SELECT id, name FROM items ORDER BY id", []).ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        Assert.Equal([(1L, "one"), (3L, "three")], rows);
    }

    [Fact]
    public void A_statement_is_used_again_after_its_transaction_was_rolled_back()
    {
        const string insert = "INSERT INTO items (id, name) VALUES ($id, $name)";
        using (var rolledBack = _connection.BeginTransaction())
        {
            _statements.For(rolledBack, insert, [("$id", 7), ("$name", "gone")]).ExecuteNonQuery();
            rolledBack.Rollback();
        }

        using var transaction = _connection.BeginTransaction();
        _statements.For(transaction, insert, [("$id", 7), ("$name", "kept")]).ExecuteNonQuery();
        transaction.Commit();

        using var read = _connection.BeginTransaction();
        Assert.Equal("kept", _statements.For(read, "SELECT name FROM items WHERE id = $id", [("$id", 7)]).ExecuteScalar());
    }

    [Fact]
    public void More_distinct_texts_than_it_keeps_still_run_each_with_the_right_result()
    {
        using var transaction = _connection.BeginTransaction();

        var results = Enumerable.Range(0, 300).Select(i => Convert.ToInt64(_statements.For(transaction, $"SELECT {i} + $one", [("$one", 1)]).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), results);
    }
}
