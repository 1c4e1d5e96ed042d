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
    /// <summary>
    /// A probe's first timeout (Orleans adapts it per peer between half and four times this, from the answers it sees).
    /// Gentle on purpose: a worker that is starting (JIT, connections) on a loaded machine answers late, and must not be
    /// declared dead for it; a killed worker refuses connections at once, so it is still found within seconds. See
    /// docs/cluster.md, "Failure detection".
    /// </summary>
    public static TimeSpan ProbeTimeout { get; } = TimeSpan.FromSeconds(5);

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
                silo.Configure<ClusterMembershipOptions>(GentleFailureDetection);
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

    /// <summary>
    /// Three missed probes make a suspicion and two silos must vote (one when only two are left): one slow answer, or
    /// one silo that is itself starved, does not kill a peer. The table is read every 10 s (deaths are also gossiped),
    /// and each silo writes I-am-alive every 30 s: an entry is stale only after a minute without one, so a silo whose
    /// PostgreSQL writes lag under load is not taken for gone.
    /// </summary>
    private static void GentleFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(30);
        options.ExtendProbeTimeoutDuringDegradation = true;
        options.EnableIndirectProbes = true;
    }
}
