using Microsoft.Extensions.Logging.Abstractions;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Jobs;
using MongoMigrate.Engine.Dumping;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Restoring;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Cli.Running;

/// <summary>Serves the running job's dashboard beside it when the command was given --dashboard; prints its address once.</summary>
internal static class DashboardSession
{
    /// <returns>The server, to dispose when the job ends; null without --dashboard.</returns>
    public static async Task<DashboardServer?> StartAsync(CliEnvironment environment, IRunningJob job, Task run, CancellationTokenSource stop)
    {
        if (environment.Dashboard is not { } request)
        {
            return null;
        }

        DashboardServer server;
        try
        {
            // Building the web host is a second or so of synchronous work (most of it compiling code on first use): on a
            // thread of its own it does not hold one of the pool's threads the starting job runs on.
            server = await Task.Factory.StartNew(
                () => DashboardServer.StartAsync(request.Options with { Redact = environment.Mask.Apply }, environment.TimeProvider, stop.Token),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new UsageException($"the dashboard cannot listen on {request.Options.Address} port {request.Options.Port} ({e.Message}): give another --port, or 0 to pick a free one.");
        }

        server.Add(job, run, stop, Describe(job) with { Verifier = Verifier(environment, job) });
        await AnnounceAsync(environment, server, request).ConfigureAwait(false);
        return server;
    }

    /// <summary>Prints the dashboard's address on stderr, and the token once when it was made up here.</summary>
    public static async Task AnnounceAsync(CliEnvironment environment, DashboardServer server, DashboardRequest request)
    {
        await environment.Error.WriteLineAsync($"Dashboard: {server.Address}").ConfigureAwait(false);
        if (request.GeneratedToken is { } token)
        {
            await environment.Error.WriteLineAsync($"Dashboard token (shown once; --token-file sets your own): {token}").ConfigureAwait(false);
        }
    }

    /// <summary>A migration can be verified from its dashboard by the engine's verifier, with the job's own endpoints.</summary>
    private static VerifierSetup? Verifier(CliEnvironment environment, IRunningJob job) =>
        job is MigrationJob migration ? new VerifierSetup(migration.Source, migration.Target, environment.Coordinator, NullLoggerFactory.Instance) : null;

    private static LiveJobInfo Describe(IRunningJob job) => job switch
    {
        MigrationJob migration => new LiveJobInfo
        {
            Kind = "migrate",
            StatePath = JobFolder.StatePath(migration.JobDirectory),
            Method = migration.Options.Method == CopyMethod.Direct ? "direct" : "dump-restore",
            Verification = !migration.Options.Verify ? "none" : migration.Options.VerifySample < 1 ? "sample" : "full",
        },
        RestoreJob restore => new LiveJobInfo { Kind = "restore", StatePath = JobFolder.StatePath(restore.JobDirectory) },
        DumpJob => new LiveJobInfo { Kind = "dump" },
        VerifyJob => new LiveJobInfo { Kind = "verify", Verification = "full" },
        _ => new LiveJobInfo { Kind = "job" },
    };
}
