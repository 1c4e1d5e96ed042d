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
        var (jobs, silos) = await ReadAsync(environment, client, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The jobs and the silos. A call that reaches a silo just killed (the grain lived there, or the client went through
    /// it) is refused until the membership declares that silo dead and the grain lives again elsewhere: asked again, for
    /// up to <see cref="Patience"/>.
    /// </summary>
    private static async Task<(IReadOnlyList<Cluster.Jobs.ClusterJobStatus> Jobs, IReadOnlyDictionary<string, string> Silos)> ReadAsync(CliEnvironment environment, ClusterJobClient client, CancellationToken cancellationToken)
    {
        var started = environment.TimeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                var jobs = await client.ListAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                var silos = await client.SiloStatusesAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                return (jobs, silos);
            }
            catch (Exception e) when (e is Orleans.Runtime.OrleansException or TimeoutException && environment.TimeProvider.GetElapsedTime(started) < Patience)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), environment.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan Patience { get; } = TimeSpan.FromMinutes(2);
}
