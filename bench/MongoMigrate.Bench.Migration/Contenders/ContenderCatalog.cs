using System.Globalization;
using MongoMigrate.Bench.Migration.Processes;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>The contenders of issue 7: the servers' limits, the hand-written copy, and the engine's ways of copying.</summary>
public static class ContenderCatalog
{
    public const string Direct = "direct";
    public const string DirectVerified = "direct-verified";
    public const string DumpRestore = "dump-restore";
    public const string DumpRestoreGzip = "dump-restore-gzip";
    public const string Archive = "dump-archive";
    public const string DirectDashboard = "direct-dashboard";
    public const string Verify = "verify";
    public const string OnlineIdle = "online-idle";
    public const string OnlineWrites = "online-writes";

    /// <summary>The main table, in this order.</summary>
    public static IReadOnlyList<Contender> MainTable(int workers) =>
    [
        Limit(ReadLimit.Name, $"source read limit: every collection drained with raw cursors in batches of {ReadLimit.BatchSize}, {workers} at once", workers, writesTarget: false),
        Limit(WriteLimit.Name, $"target write limit: pre-serialized insert commands of 1000 documents replayed by {workers} writers", workers, writesTarget: true),
        Limit(HandWrittenCopy.Name, "hand-written copy: one cursor per collection into BsonDocument, InsertMany of 1000, one collection at a time", workers, writesTarget: true),
        Migrate(Direct, $"mongomigrate migrate --method direct ({workers} dump and {workers} restore workers, no verification)", "direct", gzip: false, workers),
        Migrate(DirectVerified, "mongomigrate migrate --method direct with its default verification (every document compared after the copy)", "direct", gzip: false, workers, verify: true),
        Migrate(DumpRestore, "mongomigrate migrate --method dump-restore (chunk files on local disk)", "dump-restore", gzip: false, workers),
        Migrate(DumpRestoreGzip, "mongomigrate migrate --method dump-restore --gzip", "dump-restore", gzip: true, workers),
        new Contender
        {
            Name = Archive,
            Description = "mongomigrate dump --archive, then mongomigrate restore --archive (one file, two processes)",
            RequiresCommand = "dump",
            RunsTool = true,
            Steps = context =>
            {
                var archive = Path.Combine(context.WorkDirectory, "bench.archive");
                return
                [
                    new ProcessStep(DotnetHost.Path, [context.CliDll, "dump", "--source", context.Source, "--archive", archive]),
                    new ProcessStep(DotnetHost.Path, [context.CliDll, "restore", "--target", context.Target, "--archive", archive, "--work-dir", Path.Combine(context.WorkDirectory, "restore-state")]),
                ];
            },
        },
    ];

    /// <summary>The engine's direct copy with <paramref name="workers"/> dump and restore workers, for the scaling runs.</summary>
    public static Contender DirectWith(int workers) =>
        Migrate($"{Direct}-w{workers}", $"mongomigrate migrate --method direct with {workers} dump and {workers} restore workers", "direct", gzip: false, workers);

    /// <summary>
    /// The engine's direct copy with its dashboard served (--dashboard) and a page's worth of clients on it the whole
    /// time (<see cref="DashboardWatcher"/>): against <see cref="Direct"/>, the dashboard's cost.
    /// </summary>
    public static Contender DirectWithDashboard(int workers)
    {
        var port = DashboardWatcher.FreePort();
        const string jobId = "bench-dashboard";
        var plain = Migrate(DirectDashboard, string.Empty, "direct", gzip: false, workers);
        return plain with
        {
            Description = $"mongomigrate migrate --method direct --dashboard ({workers} dump and {workers} restore workers, no verification) with a client on its event stream, reading what the page reads and scraping /metrics",
            Steps = context => [.. plain.Steps(context).Select(step => step with { Arguments = [.. step.Arguments, "--dashboard", "--port", port.ToString(CultureInfo.InvariantCulture), "--job-id", jobId] })],
            Beside = async (_, cancellationToken) =>
            {
                var (events, requests) = await DashboardWatcher.WatchAsync(port, jobId, cancellationToken).ConfigureAwait(false);
                return new BesideReport($"dashboard client: {events} events, {requests} requests");
            },
        };
    }

    /// <summary>The read limit of both sides at once, against a target that holds a copy of the source: what a verification is measured against.</summary>
    public static Contender ReadBoth(int workers) =>
        Limit(ReadBothLimit.Name, $"read limit of both sides: the source and its copy on the target drained at the same time, {workers} raw cursors in batches of {ReadLimit.BatchSize} on each", workers, writesTarget: false)
        with
        {
            TargetBefore = TargetContent.SourceCopy,
        };

    /// <summary>
    /// `mongomigrate verify` of a target that holds a copy of the source, with <paramref name="workers"/> readers
    /// (the CLI's default when null): named verify, or verify-wN.
    /// </summary>
    public static Contender VerifyWith(int? workers) => new()
    {
        Name = workers is { } w ? $"{Verify}-w{w}" : Verify,
        Description = $"mongomigrate verify --json{(workers is { } n ? $" --workers {n}" : " (its default workers)")} of a target that holds a copy of the source: every document of both sides compared by _id",
        WritesTarget = false,
        TargetBefore = TargetContent.SourceCopy,
        PrintsVerifyReport = true,
        RunsTool = true,
        Steps = context =>
        {
            List<string> args = [context.CliDll, "verify", "--source", context.Source, "--target", context.Target, "--json"];
            if (workers is { } count)
            {
                args.AddRange(["--workers", count.ToString(CultureInfo.InvariantCulture)]);
            }

            return [new ProcessStep(DotnetHost.Path, args)];
        },
    };

    /// <summary>
    /// `mongomigrate migrate --online --method direct` driven by <see cref="OnlineDriver"/>: with a write load of
    /// <paramref name="writesPerSecond"/> on the source during the copy and the following (online-writes), or none
    /// (online-idle); it follows for <paramref name="follow"/> once caught up, then is cut over and verified.
    /// </summary>
    public static Contender Online(int workers, int writesPerSecond, int documentSize, TimeSpan follow)
    {
        const string jobId = "bench-online";
        // With its default verification: ranges are verified as they are copied and changed documents rechecked (issue 17).
        var plain = Migrate(writesPerSecond > 0 ? OnlineWrites : OnlineIdle, string.Empty, "direct", gzip: false, workers, verify: true);
        var load = writesPerSecond > 0 ? string.Create(CultureInfo.InvariantCulture, $"{writesPerSecond:N0} writes a second on the source (30 % inserts, 30 % updates, 20 % replaces, 20 % deletes) from its start") : "no writes on the source";
        return plain with
        {
            Description = $"mongomigrate migrate --online --method direct ({workers} dump and {workers} restore workers, its continuous verification) with {load}; followed for {follow.TotalSeconds:N0} s once caught up, the writes stopped, then mongomigrate cutover from another process, and mongomigrate verify",
            Steps = context => [.. plain.Steps(context).Select(step => step with { Arguments = [.. step.Arguments, "--online", "--job-id", jobId] })],
            Beside = (context, cancellationToken) => OnlineDriver.RunAsync(context, jobId, writesPerSecond, documentSize, follow, cancellationToken),
            BesideEndsRun = true,
            ChangesSource = writesPerSecond > 0,
        };
    }

    public static Contender Limit(string name, string description, int workers, bool writesTarget) => new()
    {
        Name = name,
        Description = description,
        WritesTarget = writesTarget,
        Steps = context => [new ProcessStep(DotnetHost.Path, [context.HarnessDll, .. new ChildArguments(name, context.Source, context.Target, workers, context.BatchFile).ToArguments()])],
    };

    public static Contender Migrate(string name, string description, string method, bool gzip, int workers, bool verify = false) => new()
    {
        Name = name,
        Description = description,
        PrintsMigrationSummary = true,
        RunsTool = true,
        Steps = context =>
        {
            var count = workers.ToString(CultureInfo.InvariantCulture);
            List<string> args =
            [
                context.CliDll, "migrate", "--source", context.Source, "--target", context.Target, "--method", method,
                "--dump-workers", count, "--restore-workers", count, "--work-dir", context.WorkDirectory, "--json",
            ];
            if (!verify)
            {
                args.Add("--no-verify");
            }

            if (gzip)
            {
                args.Add("--gzip");
            }

            return [new ProcessStep(DotnetHost.Path, args)];
        },
    };
}
