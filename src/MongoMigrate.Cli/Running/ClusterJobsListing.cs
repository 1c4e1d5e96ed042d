using MongoMigrate.Cluster.Hosting;
using MongoMigrate.Cluster.Storage;
using MongoMigrate.Cluster.Submitting;

namespace MongoMigrate.Cli.Running;

/// <summary>`jobs --cluster`: the cluster's jobs, where each stands, which worker holds which chunks and who copied what.</summary>
internal static class ClusterJobsListing
{
    public static async Task<int> RunAsync(CliEnvironment environment, string? cluster, string folder, bool verbose, CancellationToken cancellationToken)
    {
        var connection = ClusterConnection.Parse(cluster);
        using var host = await ClusterProcess.StartClientAsync(connection, ClusterLogging.For(environment, folder, verbose), cancellationToken).ConfigureAwait(false);
        var jobs = await new ClusterJobClient(host.Client(), environment.TimeProvider).ListAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (jobs.Count == 0)
        {
            await environment.Output.WriteLineAsync($"No jobs in the cluster {connection.Display}.").ConfigureAwait(false);
        }

        foreach (var job in jobs)
        {
            await environment.Output.WriteLineAsync(ClusterMigration.Line(job)).ConfigureAwait(false);
            await environment.Output.WriteLineAsync($"  {job.Display}").ConfigureAwait(false);
            foreach (var silo in job.LeasesBySilo.Keys.Union(job.DoneBySilo.Keys).Order(StringComparer.Ordinal))
            {
                await environment.Output.WriteLineAsync($"  worker {silo}: {job.LeasesBySilo.GetValueOrDefault(silo)} leased, {job.DoneBySilo.GetValueOrDefault(silo)} copied").ConfigureAwait(false);
            }

            if (job.Error is not null)
            {
                await environment.Output.WriteLineAsync($"  failed: {job.Error}").ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }
}
