using MongoMigrate.Cluster.Storage;
using Npgsql;

namespace MongoMigrate.Cluster.Tests;

/// <summary>
/// A database of its own on the test PostgreSQL (MONGOMIGRATE_TEST_POSTGRES, or what .ci/postgres sets up on loopback),
/// dropped afterwards: each test starts from an empty cluster, schema included.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "MONGOMIGRATE_TEST_POSTGRES";
    private const string Default = "Host=127.0.0.1;Port=5432;Username=postgres;Password=mongomigrate-test;Database=mongomigrate_test";

    private readonly string _admin;

    private PostgresTestDatabase(string admin, ClusterConnection connection)
    {
        _admin = admin;
        Connection = connection;
    }

    public ClusterConnection Connection { get; }

    public static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given ? given : Default;

    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var name = $"mmc_{Guid.NewGuid():N}"[..20];
        try
        {
            await ExecuteAsync(Server, $"CREATE DATABASE {name}", cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"The cluster tests need PostgreSQL: run `bash .ci/postgres` (as root) or set {Variable}. ({e.Message})", e);
        }

        var builder = new NpgsqlConnectionStringBuilder(Server) { Database = name };
        return new PostgresTestDatabase(Server, ClusterConnection.Parse(builder.ConnectionString));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(Connection.ConnectionString).Database;
        await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
