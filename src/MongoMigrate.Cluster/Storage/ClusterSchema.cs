using System.Data.Common;
using Npgsql;

namespace MongoMigrate.Cluster.Storage;

/// <summary>
/// Creates the tables and queries of Orleans' ADO.NET providers (membership, grain storage, reminders) in the cluster's
/// database the first time a process uses it. The scripts are Orleans' own (MIT), carried in this assembly: the NuGet
/// packages do not ship them. Several workers starting at once take an advisory lock, so one of them creates the schema.
/// </summary>
public static class ClusterSchema
{
    private const long LockKey = 0x6d6f6e676f6d6d;

    private static readonly string[] Scripts = ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Persistence.sql", "PostgreSQL-Reminders.sql"];

    /// <summary>Connects (a refusal or an unreachable host is one line without the password) and creates the schema when missing.</summary>
    public static async Task EnsureAsync(ClusterConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            var database = new NpgsqlConnection(connection.ConnectionString);
            await using (database.ConfigureAwait(false))
            {
                await database.OpenAsync(cancellationToken).ConfigureAwait(false);
                var transaction = await database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(database, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);
                    var exists = await ScalarAsync(database, "SELECT to_regclass('orleansquery') IS NOT NULL", cancellationToken).ConfigureAwait(false);
                    if (exists is not true)
                    {
                        foreach (var script in Scripts)
                        {
                            await ExecuteAsync(database, Read(script), cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            throw new ClusterConnectionException($"Cannot use the cluster database ({connection.Display}): {Describe(e)}. Check --cluster.", e);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        PostgresException postgres => $"{postgres.SqlState} {postgres.MessageText}",
        NpgsqlException { InnerException: { } inner } => inner.Message,
        _ => e.Message,
    };

    private static async Task ExecuteAsync(NpgsqlConnection database, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, database);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection database, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, database);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Read(string script)
    {
        using var stream = typeof(ClusterSchema).Assembly.GetManifestResourceStream($"MongoMigrate.Cluster.Storage.{script}")
            ?? throw new InvalidOperationException($"The schema script {script} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
