using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoMigrate.Cluster.Storage;
using MongoMigrate.Cluster.Workers;
using Orleans.Configuration;

namespace MongoMigrate.Cluster.Hosting;

/// <summary>
/// Starts what a process of the cluster runs: a worker (a silo that takes part in every job) or a client (a terminal
/// that submits, follows and lists jobs), both against the cluster's PostgreSQL database, its schema created on first use.
/// </summary>
public static class ClusterProcess
{
    /// <summary>How fast a dead silo is found: probes time out after this long, and two missed ones with one vote declare it dead.</summary>
    public static TimeSpan ProbeTimeout { get; } = TimeSpan.FromSeconds(2);

    public static async Task<IHost> StartWorkerAsync(ClusterConnection connection, IPAddress advertised, int siloPort, int gatewayPort, ClusterWorkerOptions options, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await ClusterSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
        var host = new HostBuilder()
            .ConfigureLogging(builder => logging?.Invoke(builder))
            .UseOrleans(silo =>
            {
                silo.UseMongoMigrateCluster(connection, advertised, siloPort, gatewayPort);
                silo.AddMongoMigrateWorker(options);
                silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
            })
            .Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public static async Task<IHost> StartClientAsync(ClusterConnection connection, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await ClusterSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
        var host = new HostBuilder()
            .ConfigureLogging(builder => logging?.Invoke(builder))
            .UseOrleansClient(client => client.UseMongoMigrateCluster(connection))
            .Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterConnectionException($"No worker of the cluster ({connection.Display}) answers: start one with `mongomigrate worker --cluster ...`.", e);
        }
    }

    /// <summary>The client's grain factory.</summary>
    public static IClusterClient Client(this IHost host) => host.Services.GetRequiredService<IClusterClient>();

    private static void FastFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
