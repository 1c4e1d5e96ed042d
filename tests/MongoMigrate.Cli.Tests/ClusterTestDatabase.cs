using Npgsql;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// A database of its own on the test PostgreSQL (MONGOMIGRATE_TEST_POSTGRES, or what .ci/postgres sets up on loopback)
/// for one cluster of worker processes, dropped afterwards: each test starts from an empty cluster, schema included.
/// </summary>
public sealed class ClusterTestDatabase : IAsyncDisposable
{
    private const string Variable = "MONGOMIGRATE_TEST_POSTGRES";
    private const string Default = "Host=127.0.0.1;Port=5432;Username=postgres;Password=mongomigrate-test;Database=mongomigrate_test";

    private ClusterTestDatabase(string connectionString)
    {
        ConnectionString = connectionString;
    }

    /// <summary>What `--cluster` is given.</summary>
    public string ConnectionString { get; }

    private static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given ? given : Default;

    public static async Task<ClusterTestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var name = $"mmp_{Guid.NewGuid():N}"[..20];
        try
        {
            await ExecuteAsync(Server, $"CREATE DATABASE {name}", cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"The cluster tests need PostgreSQL: run `bash .ci/postgres` (as root) or set {Variable}. ({e.Message})", e);
        }

        return new ClusterTestDatabase(new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await ExecuteAsync(Server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
