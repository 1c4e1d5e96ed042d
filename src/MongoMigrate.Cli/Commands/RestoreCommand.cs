using System.CommandLine;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Restoring;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate restore`: restores a mongodump directory or archive (ours or mongodump's) into a target.</summary>
internal static class RestoreCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new Option<string>("--target") { Description = $"Target URI (or set {MigrateCommand.TargetVariable})." };
        var folder = new Option<string>("--dir") { Description = "Restore this mongodump directory (or one database's folder of it)." };
        var archive = DumpCommand.ArchiveOption("Restore this mongodump archive; '-' (or no value) reads it from stdin.");
        var gzip = new Option<bool>("--gzip") { Description = "Accepted for mongorestore's sake: gzip is recognised by itself (.gz files, gzip magic bytes)." };
        var include = CommonOptions.Include();
        include.Aliases.Add("--nsInclude");
        var exclude = CommonOptions.Exclude();
        exclude.Aliases.Add("--nsExclude");
        var from = CommonOptions.From();
        from.Aliases.Add("--nsFrom");
        var to = CommonOptions.To();
        to.Aliases.Add("--nsTo");
        var drop = new Option<bool>("--drop") { Description = "Drop each target collection or view before restoring it." };
        var parallel = new Option<int>("--parallel-collections", "-j", "--numParallelCollections")
        {
            Description = "Collections restored at once (an archive's own interleaving decides for its namespaces).",
            DefaultValueFactory = _ => 4,
        };
        var insertionWorkers = new Option<int>("--insertion-workers", "--numInsertionWorkersPerCollection")
        {
            Description = "Insert batches in flight per collection.",
            DefaultValueFactory = _ => 2,
        };
        var workDir = new Option<string>("--work-dir") { Description = "Folder for the job's state and log.", DefaultValueFactory = _ => "mongomigrate-work" };
        var jobId = new Option<string>("--job-id") { Description = "The job's id (made up when not given; needed with --resume)." };
        var resume = new Option<bool>("--resume") { Description = "Carry on the job --job-id: namespaces it completed are skipped." };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Seconds to wait for the server to answer before giving up.", DefaultValueFactory = _ => 10 };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var adaptive = CommonOptions.Adaptive();
        var stuckAfter = CommonOptions.StuckAfter();
        var dashboard = CommonOptions.Dashboard();
        var command = new Command("restore", "Restore a mongodump directory (--dir) or archive (--archive) into a target: unordered inserts in parallel, indexes after the data, resumable.")
        {
            target, folder, archive, gzip, include, exclude, from, to, drop, parallel, insertionWorkers, workDir, jobId, resume, connectTimeout, json, verbose, adaptive, stuckAfter,
        };
        dashboard.AddTo(command);

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var directory = CommonOptions.Path(parse.GetValue(folder), "--dir");
            var archiveGiven = parse.GetResult(archive) is not null;
            if ((directory is null) == !archiveGiven)
            {
                throw new UsageException("Give either --dir DIR or --archive FILE (--archive - reads stdin), not both.");
            }

            var archivePath = CommonOptions.Path(parse.GetValue(archive), "--archive");
            var fromStdin = archiveGiven && archivePath is null or "-";
            var options = new RestoreJobOptions
            {
                JobId = parse.GetValue(jobId),
                Source = directory is not null ? DumpLocation.Directory(directory)
                    : fromStdin ? DumpLocation.ArchiveStream(environment.OpenStandardInput(), "stdin")
                    : DumpLocation.ArchiveFile(archivePath!),
                Selection = CommonOptions.Selection(parse.GetValue(include), parse.GetValue(exclude), CommonOptions.Renames(parse.GetValue(from), parse.GetValue(to))),
                Drop = parse.GetValue(drop),
                ParallelCollections = parse.GetValue(parallel),
                InsertionWorkers = parse.GetValue(insertionWorkers),
                WorkDirectory = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!,
                Resume = parse.GetValue(resume),
                ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(connectTimeout)),
            };
            try
            {
                options.Validate();
            }
            catch (MigrationException e)
            {
                throw new UsageException(e.Message);
            }

            CommonOptions.UseStuckAfter(environment, parse.GetValue(stuckAfter));
            dashboard.Use(environment, parse);
            var endpoint = MongoEndpoint.Parse("target", parse.GetValue(target) ?? Environment.GetEnvironmentVariable(MigrateCommand.TargetVariable));
            WorkDirectoryCheck.Ensure(options.WorkDirectory, options.JobId);
            using var loggers = environment.CreateLoggerFactory(Path.Combine(options.WorkDirectory, "mongomigrate.log"), parse.GetValue(verbose));
            var job = new RestoreJob(endpoint, options, environment.Coordinator, loggers, environment.TimeProvider);
            job.Steering.SetAdaptive(parse.GetValue(adaptive));
            return await DumpJobSession.RunAsync(
                environment,
                job,
                job.RunAsync,
                parse.GetValue(json),
                environment.Output,
                $"Restore {job.JobId}: from {options.Source.Display}, {options.ParallelCollections} collections at once, {options.InsertionWorkers} insert(s) in flight each.",
                phase => phase == "reading the dump" ? "the dump" : "the target",
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
