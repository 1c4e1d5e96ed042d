using System.CommandLine;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate sandbox`: runs the embedded MongoDB-compatible server until stopped.</summary>
internal static class SandboxCommand
{
    public static Command Create(TextWriter output)
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 27017 };
        var replicaSet = new Option<string>("--replica-set") { Description = "Replica-set name to report; 'none' runs as a standalone.", DefaultValueFactory = _ => "rs0" };
        var maxConnections = new Option<int>("--max-connections")
        {
            Description = "Most client connections served at once; more are accepted and closed at once.",
            DefaultValueFactory = _ => new SandboxOptions().MaxConnections,
        };
        maxConnections.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"--max-connections must be at least 1 (got {result.GetValueOrDefault<int>()}); the default is {new SandboxOptions().MaxConnections}.");
            }
        });
        var oplogSize = new Option<long>("--oplog-size")
        {
            Description = "Megabytes of change history kept for change streams, like a replica set's oplog size; a stream resuming from older history fails with ChangeStreamHistoryLost.",
            DefaultValueFactory = _ => SandboxOptions.DefaultOplogSizeMegabytes,
        };
        oplogSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() is < 1 or > 1024 * 1024)
            {
                result.AddError($"--oplog-size must be between 1 and 1048576 megabytes (got {result.GetValueOrDefault<long>()}); the default is {SandboxOptions.DefaultOplogSizeMegabytes}.");
            }
        });
        var ttlMonitor = new Option<int>("--ttl-monitor-sleep-secs")
        {
            Description = "Seconds between two passes of the TTL monitor, which deletes expired documents (mongod's ttlMonitorSleepSecs); 0 turns it off.",
            DefaultValueFactory = _ => (int)new SandboxOptions().TtlMonitorInterval.TotalSeconds,
        };
        ttlMonitor.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"--ttl-monitor-sleep-secs must be 0 (off) or more (got {result.GetValueOrDefault<int>()}); the default is {(int)new SandboxOptions().TtlMonitorInterval.TotalSeconds}.");
            }
        });
        var command = new Command("sandbox", "Run the embedded in-memory MongoDB-compatible server (for tests and demos; it keeps nothing on disk).")
        {
            port,
            replicaSet,
            maxConnections,
            oplogSize,
            ttlMonitor,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(replicaSet);
            var options = new SandboxOptions
            {
                Port = parse.GetValue(port),
                ReplicaSetName = string.Equals(name, "none", StringComparison.OrdinalIgnoreCase) ? null : name,
                MaxConnections = parse.GetValue(maxConnections),
                ChangeLogMaxBytes = parse.GetValue(oplogSize) * 1024 * 1024,
                TtlMonitorInterval = TimeSpan.FromSeconds(parse.GetValue(ttlMonitor)),
            };
            await using var server = await SandboxServer.StartAsync(options, cancellationToken).ConfigureAwait(false);

            // Benchmarks and kill tests read this line to find the server.
            await output.WriteLineAsync($"sandbox listening on {server.Address} {server.ConnectionString}").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
