using MongoMigrate.Cli.Output;
using MongoMigrate.Cluster.Hosting;
using MongoMigrate.Cluster.Storage;
using MongoMigrate.Cluster.Submitting;

namespace MongoMigrate.Cli.Running;

/// <summary>`jobs --cluster`: the cluster's jobs, where each stands, which worker holds which chunks, who copied what, and which workers are alive.</summary>
internal static class ClusterJobsListing
{
    public static async Task<int> RunAsync(CliEnvironment environment, string? cluster, string folder, bool json, bool verbose, CancellationToken cancellationToken)
    {
        var connection = ClusterConnection.Parse(cluster);
        using var host = await ClusterProcess.StartClientAsync(connection, ClusterLogging.For(environment, folder, verbose), cancellationToken).ConfigureAwait(false);
        var client = new ClusterJobClient(host.Client(), environment.TimeProvider);
        var jobs = await client.ListAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var silos = await client.SiloStatusesAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (json)
        {
            await ClusterJobListWriter.WriteJsonAsync(environment.Output, connection.Display, jobs, silos).ConfigureAwait(false);
        }
        else
        {
            await ClusterJobListWriter.WriteTextAsync(environment.Output, connection.Display, jobs, silos).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
