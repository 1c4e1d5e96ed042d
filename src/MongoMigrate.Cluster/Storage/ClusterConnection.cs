using Npgsql;

namespace MongoMigrate.Cluster.Storage;

/// <summary>
/// A cluster's PostgreSQL connection string, checked once: only <see cref="Display"/> (no password) is ever shown, and the
/// password seeds the key that seals the jobs' URIs in the cluster's state.
/// </summary>
public sealed class ClusterConnection
{
    private ClusterConnection(string connectionString, string display, string secret)
    {
        ConnectionString = connectionString;
        Display = display;
        Secret = secret;
    }

    public string ConnectionString { get; }

    /// <summary>The connection string without its password, to show.</summary>
    public string Display { get; }

    /// <summary>What every process of the cluster knows and the state does not hold: the password (with user and database).</summary>
    public string Secret { get; }

    /// <exception cref="ClusterConnectionException">Not a connection string PostgreSQL takes; the message has no password.</exception>
    public static ClusterConnection Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ClusterConnectionException("--cluster needs a PostgreSQL connection string, e.g. \"Host=db;Username=mm;Password=...;Database=mm\".");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The parser's message may quote the string: say only what to do.
            throw new ClusterConnectionException("--cluster is not a PostgreSQL connection string: give it as \"Host=db;Username=mm;Password=...;Database=mm\".");
        }

        if (string.IsNullOrEmpty(builder.Host) || string.IsNullOrEmpty(builder.Database))
        {
            throw new ClusterConnectionException("--cluster needs Host and Database, e.g. \"Host=db;Username=mm;Password=...;Database=mm\".");
        }

        var secret = $"{builder.Username}\n{builder.Password}\n{builder.Database}";
        var shown = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Password = null };
        return new ClusterConnection(builder.ConnectionString, shown.ConnectionString, secret);
    }

    public override string ToString() => Display;
}
