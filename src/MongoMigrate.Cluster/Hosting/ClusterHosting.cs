using System.Net;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Storage;
using Orleans.Configuration;

namespace MongoMigrate.Cluster.Hosting;

/// <summary>
/// A silo or a client of the mongomigrate cluster kept in PostgreSQL: membership, the job grains' state and reminders
/// through Orleans' ADO.NET providers (Npgsql), failure detection as Orleans does it (peer probes).
/// </summary>
public static class ClusterHosting
{
    public const string ClusterId = "mongomigrate";
    private const string Invariant = "Npgsql";

    public static ISiloBuilder UseMongoMigrateCluster(this ISiloBuilder builder, ClusterConnection connection, IPAddress advertised, int siloPort, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        builder.Configure<ClusterOptions>(Identify);
        builder.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        return builder.UseMongoMigrateStorage(connection);
    }

    /// <summary>Membership, grain storage and reminders in the cluster's PostgreSQL database (the schema must exist: <see cref="ClusterSchema"/>).</summary>
    public static ISiloBuilder UseMongoMigrateStorage(this ISiloBuilder builder, ClusterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connection.ConnectionString;
        });
        builder.AddAdoNetGrainStorage(ClusterStorage.Name, options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connection.ConnectionString;
        });
        builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connection.ConnectionString;
        });
        return builder;
    }

    public static IClientBuilder UseMongoMigrateCluster(this IClientBuilder builder, ClusterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        builder.Configure<ClusterOptions>(Identify);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connection.ConnectionString;
        });
        return builder;
    }

    private static void Identify(ClusterOptions options)
    {
        options.ClusterId = ClusterId;
        options.ServiceId = ClusterId;
    }
}
