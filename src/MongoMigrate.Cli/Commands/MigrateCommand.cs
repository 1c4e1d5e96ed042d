using System.CommandLine;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate migrate`: copies collections from a source to a target deployment.</summary>
internal static class MigrateCommand
{
    public const string SourceVariable = "MONGOMIGRATE_SOURCE";
    public const string TargetVariable = "MONGOMIGRATE_TARGET";

    public static Command Create(CliEnvironment environment)
    {
        var source = new Option<string>("--source") { Description = $"Source URI (or set {SourceVariable})." };
        var target = new Option<string>("--target") { Description = $"Target URI (or set {TargetVariable})." };
        var include = CommonOptions.Include();
        var exclude = CommonOptions.Exclude();
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var method = new Option<string>("--method") { Description = "dump-restore (through files, the default) or direct (no disk).", DefaultValueFactory = _ => "dump-restore" };
        method.AcceptOnlyFromAmong("dump-restore", "direct");
        var dumpWorkers = new Option<int>("--dump-workers") { Description = "Chunk readers shared by all collections of the job.", DefaultValueFactory = _ => 4 };
        var restoreWorkers = new Option<int>("--restore-workers") { Description = "Restore slots shared by all collections of the job; a slot inserts up to two batches of a chunk at once.", DefaultValueFactory = _ => 4 };
        var insertionWorkers = new Option<int>("--insertion-workers") { Description = "Writers per chunk, each inserting one batch at a time in a restore worker's slot.", DefaultValueFactory = _ => 2 };
        var chunkSize = new Option<string>("--chunk-size") { Description = "Target chunk size, e.g. 64MB (the default)." };
        var workDir = new Option<string>("--work-dir") { Description = "Folder for job state and chunk files.", DefaultValueFactory = _ => "mongomigrate-work" };
        var jobId = new Option<string>("--job-id") { Description = "The job's id (made up when not given; needed with --resume)." };
        var resume = new Option<bool>("--resume") { Description = "Carry on the job --job-id from its saved state, with its own settings and last worker counts unless given again." };
        var dropTarget = new Option<bool>("--drop-target") { Description = "Drop target collections that already exist instead of refusing." };
        var gzip = new Option<bool>("--gzip") { Description = "Gzip chunk files (dump-restore)." };
        var diskBudget = new Option<string>("--disk-budget") { Description = "Most bytes of chunk files waiting to be restored, e.g. 8GB (the default)." };
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip the final byte-for-byte comparison (as --verify none)." };
        var verify = new Option<string>("--verify")
        {
            Description = "full (the default): compare every document of every collection with the source at the end; sample: only a share of each collection's chunks (--sample); none: skip it.",
        };
        verify.AcceptOnlyFromAmong("full", "sample", "none");
        var sample = new Option<double?>("--sample") { Description = $"With --verify sample (which it implies): the share of each collection's chunks compared, spread over it ({DefaultSample} by default)." };
        var online = new Option<bool>("--online") { Description = "Follow the source's changes from before the copy, then keep following until a cutover (key c, or mongomigrate cutover)." };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Seconds to wait for each server to answer before giving up.", DefaultValueFactory = _ => 10 };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var adaptive = CommonOptions.Adaptive();
        var stuckAfter = CommonOptions.StuckAfter();
        var cluster = WorkerCommand.ClusterOption();
        var dashboard = CommonOptions.Dashboard();
        var command = new Command("migrate", "Copy collections from a source to a target deployment, in parallel chunks, resumably, with a proof of equality.")
        {
            source, target, include, exclude, from, to, method, dumpWorkers, restoreWorkers, insertionWorkers,
            chunkSize, workDir, jobId, resume, dropTarget, gzip, diskBudget, verify, sample, noVerify, online, connectTimeout, json, verbose, adaptive, stuckAfter, cluster,
        };
        dashboard.AddTo(command);

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var options = new MigrationOptions
            {
                JobId = parse.GetValue(jobId),
                Selection = CommonOptions.Selection(parse.GetValue(include), parse.GetValue(exclude), CommonOptions.Renames(parse.GetValue(from), parse.GetValue(to))),
                Method = parse.GetValue(method) == "direct" ? CopyMethod.Direct : CopyMethod.DumpRestore,
                DumpWorkers = parse.GetValue(dumpWorkers),
                RestoreWorkers = parse.GetValue(restoreWorkers),
                InsertionWorkers = parse.GetValue(insertionWorkers),
                ChunkSizeBytes = CommonOptions.Size(parse.GetValue(chunkSize), "--chunk-size", ChunkPlannerOptions.DefaultChunkSizeBytes),
                DiskBudgetBytes = CommonOptions.Size(parse.GetValue(diskBudget), "--disk-budget", 8L * 1024 * 1024 * 1024),
                WorkDirectory = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!,
                Resume = parse.GetValue(resume),
                DropTarget = parse.GetValue(dropTarget),
                Gzip = parse.GetValue(gzip),
                Verify = Verification(parse.GetValue(verify), parse.GetValue(noVerify), parse.GetValue(sample)),
                VerifySample = SampleOf(parse.GetValue(verify), parse.GetValue(sample)),
                Online = parse.GetValue(online),
                ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(connectTimeout)),
                ResumeOverrides = Given(parse, (method, JobSettings.Method), (dumpWorkers, JobSettings.DumpWorkers), (restoreWorkers, JobSettings.RestoreWorkers),
                    (insertionWorkers, JobSettings.InsertionWorkers), (chunkSize, JobSettings.ChunkSize), (gzip, JobSettings.Gzip), (diskBudget, JobSettings.DiskBudget),
                    (verify, JobSettings.Verify), (sample, JobSettings.Verify), (noVerify, JobSettings.Verify)),
            };
            if (options.Resume && options.JobId is null)
            {
                throw new UsageException("--resume needs --job-id: run 'mongomigrate jobs' to see the jobs in the work folder.");
            }

            ValidateUsage(options);
            CommonOptions.UseStuckAfter(environment, parse.GetValue(stuckAfter));
            dashboard.Use(environment, parse);
            var sourceEndpoint = MongoEndpoint.Parse("source", parse.GetValue(source) ?? Environment.GetEnvironmentVariable(SourceVariable));
            var targetEndpoint = MongoEndpoint.Parse("target", parse.GetValue(target) ?? Environment.GetEnvironmentVariable(TargetVariable));
            if (parse.GetResult(cluster) is not null)
            {
                if (options.Online)
                {
                    throw new UsageException("--online does not run on a cluster yet: drop --cluster to migrate online from this machine, or drop --online to copy on the cluster.");
                }

                return await ClusterMigration.RunAsync(environment, parse.GetValue(cluster), sourceEndpoint, targetEndpoint, options, parse.GetValue(json), parse.GetValue(verbose), cancellationToken).ConfigureAwait(false);
            }

            WorkDirectoryCheck.Ensure(options.WorkDirectory, options.JobId);
            return await RunAsync(environment, sourceEndpoint, targetEndpoint, options, parse.GetValue(json), parse.GetValue(verbose), cancellationToken, parse.GetValue(adaptive)).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Runs a migration job with the session's display; shared with the demo.</summary>
    public static async Task<int> RunAsync(CliEnvironment environment, MongoEndpoint source, MongoEndpoint target, MigrationOptions options, bool json, bool verbose, CancellationToken cancellationToken, bool adaptive = false)
    {
        var logFile = Path.Combine(options.WorkDirectory, "mongomigrate.log");
        using var loggers = environment.CreateLoggerFactory(logFile, verbose);
        var job = new MigrationJob(source, target, options, environment.Coordinator, loggers, environment.TimeProvider);
        job.Steering.SetAdaptive(adaptive);
        var session = new MigrationSession(environment, json);
        var (_, exitCode) = await session.RunAsync(job, cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The share of each collection's chunks --verify sample compares when --sample does not say.</summary>
    public const double DefaultSample = 0.1;

    /// <summary>
    /// --verify full|sample|none, with --no-verify as another name for none and --sample implying sample; the options
    /// must not contradict each other.
    /// </summary>
    private static bool Verification(string? verify, bool noVerify, double? sample) => (verify, noVerify, sample) switch
    {
        ("full" or "sample", true, _) => throw new UsageException($"--verify {verify} and --no-verify contradict each other: give one of them."),
        (_, true, not null) or ("none", _, not null) => throw new UsageException("--sample and --verify none contradict each other: give one of them."),
        ("full", _, not null) => throw new UsageException("--sample compares a share of the chunks, --verify full all of them: give one of them."),
        (_, true, _) or ("none", _, _) => false,
        _ => true,
    };

    private static double SampleOf(string? verify, double? sample) => sample ?? (verify == "sample" ? DefaultSample : 1);

    /// <summary>The settings typed on the command line (not defaulted): on resume, only these replace the job's own.</summary>
    private static JobSettings Given(ParseResult parse, params (Option Option, JobSettings Setting)[] options) =>
        options.Where(o => parse.GetResult(o.Option) is { Implicit: false }).Aggregate(JobSettings.None, (all, o) => all | o.Setting);

    private static void ValidateUsage(MigrationOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (MigrationException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
