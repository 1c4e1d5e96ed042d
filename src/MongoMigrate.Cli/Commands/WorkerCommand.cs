using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using MongoMigrate.Cli.Running;
using MongoMigrate.Cluster.Hosting;
using MongoMigrate.Cluster.Secrets;
using MongoMigrate.Cluster.Storage;
using MongoMigrate.Cluster.Workers;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate worker --cluster CONN`: this process joins the cluster and takes part in every job submitted to it, until Ctrl+C.</summary>
internal static class WorkerCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var cluster = ClusterOption();
        var port = new Option<int>("--port") { Description = "Port the other workers reach this one on (the next port serves clients).", DefaultValueFactory = _ => 11111 };
        var dumpWorkers = new Option<int?>("--dump-workers") { Description = "At most this many chunk readers in this process, whatever its share of a job." };
        var restoreWorkers = new Option<int?>("--restore-workers") { Description = "At most this many chunk writers in this process, whatever its share of a job." };
        var workDir = new Option<string>("--work-dir") { Description = "Folder for this worker's scratch state and chunk files.", DefaultValueFactory = _ => "mongomigrate-work" };
        var verbose = CommonOptions.Verbose();
        var command = new Command("worker", "Join a cluster of workers (PostgreSQL holds its membership and jobs) and copy chunks of its jobs until Ctrl+C.")
        {
            cluster, port, dumpWorkers, restoreWorkers, workDir, verbose,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), json: false, async () =>
        {
            var connection = ClusterConnection.Parse(parse.GetValue(cluster));
            var siloPort = parse.GetValue(port);
            if (siloPort is < 1 or > 65534)
            {
                throw new UsageException("--port must be between 1 and 65534 (the next port serves clients).");
            }

            foreach (var (option, value) in new[] { ("--dump-workers", parse.GetValue(dumpWorkers)), ("--restore-workers", parse.GetValue(restoreWorkers)) })
            {
                if (value is < 1 or > 1024)
                {
                    throw new UsageException($"{option} must be between 1 and 1024.");
                }
            }

            var folder = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!;
            var options = new ClusterWorkerOptions
            {
                Key = new ClusterKey(connection.Secret),
                WorkDirectory = Path.GetFullPath(Path.Combine(folder, "cluster")),
                MaxDumpWorkers = parse.GetValue(dumpWorkers) ?? int.MaxValue,
                MaxRestoreWorkers = parse.GetValue(restoreWorkers) ?? int.MaxValue,
            };
            using var host = await ClusterProcess.StartWorkerAsync(connection, Advertised(connection), siloPort, siloPort + 1, options, ClusterLogging.For(environment, folder, parse.GetValue(verbose)), cancellationToken).ConfigureAwait(false);
            await environment.Output.WriteLineAsync($"Worker on port {siloPort} joined the cluster {connection.Display}; Ctrl+C to leave (its chunks go to the others).").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await environment.Output.WriteLineAsync("Worker left the cluster.").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>--cluster, the cluster's PostgreSQL connection string (its password is never printed).</summary>
    public static Option<string> ClusterOption() => new("--cluster") { Description = "The cluster's PostgreSQL connection string, e.g. \"Host=db;Username=mm;Password=...;Database=mm\"." };

    /// <summary>The address other workers reach this one on: loopback for a cluster on this machine, else this machine's first IPv4 address.</summary>
    private static IPAddress Advertised(ClusterConnection connection)
    {
        var host = new Npgsql.NpgsqlConnectionStringBuilder(connection.ConnectionString).Host ?? string.Empty;
        if (host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)))
        {
            return IPAddress.Loopback;
        }

        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
    }
}
