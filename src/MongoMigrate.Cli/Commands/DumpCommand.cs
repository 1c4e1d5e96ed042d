using System.CommandLine;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Dumping;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate dump`: writes collections to a mongodump directory or archive that mongorestore reads.</summary>
internal static class DumpCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var source = new Option<string>("--source") { Description = $"Source URI (or set {MigrateCommand.SourceVariable})." };
        var output = new Option<string>("--out", "-o") { Description = "Write a mongodump directory here." };
        var archive = ArchiveOption("Write one mongodump archive to this file; '-' (or no value) writes it to stdout.");
        var gzip = new Option<bool>("--gzip") { Description = "Gzip each file of a directory dump, or the whole archive (as mongodump --gzip)." };
        var include = CommonOptions.Include();
        include.Aliases.Add("--nsInclude");
        var exclude = CommonOptions.Exclude();
        exclude.Aliases.Add("--nsExclude");
        var parallel = new Option<int>("--parallel-collections", "-j", "--numParallelCollections")
        {
            Description = "Collections dumped at once, and readers shared by them: a collection larger than --chunk-size is read by several.",
            DefaultValueFactory = _ => 4,
        };
        var chunkSize = new Option<string>("--chunk-size") { Description = "Collections larger than this are read in _id ranges of this size, in parallel (64MB by default)." };
        var workDir = new Option<string>("--work-dir") { Description = "Folder for the log file (no log file when not given)." };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Seconds to wait for the server to answer before giving up.", DefaultValueFactory = _ => 10 };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var adaptive = CommonOptions.Adaptive();
        var stuckAfter = CommonOptions.StuckAfter();
        var dashboard = CommonOptions.Dashboard();
        var command = new Command("dump", "Dump collections to a mongodump directory (--out) or archive (--archive), in parallel; mongorestore reads the result.")
        {
            source, output, archive, gzip, include, exclude, parallel, chunkSize, workDir, connectTimeout, json, verbose, adaptive, stuckAfter,
        };
        dashboard.AddTo(command);

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json) && !ArchiveToStdout(parse, archive), async () =>
        {
            var folder = CommonOptions.Path(parse.GetValue(output), "--out");
            var archiveGiven = parse.GetResult(archive) is not null;
            if ((folder is null) == !archiveGiven)
            {
                throw new UsageException("Give either --out DIR or --archive FILE (--archive - writes to stdout), not both.");
            }

            var archivePath = CommonOptions.Path(parse.GetValue(archive), "--archive");
            var toStdout = archiveGiven && archivePath is null or "-";
            var options = new DumpJobOptions
            {
                Selection = CommonOptions.Selection(parse.GetValue(include), parse.GetValue(exclude), []),
                Destination = folder is not null ? DumpLocation.Directory(folder)
                    : toStdout ? DumpLocation.ArchiveStream(environment.OpenStandardOutput(), "stdout")
                    : DumpLocation.ArchiveFile(archivePath!),
                Gzip = parse.GetValue(gzip),
                ParallelCollections = parse.GetValue(parallel),
                ChunkSizeBytes = CommonOptions.Size(parse.GetValue(chunkSize), "--chunk-size", ChunkPlannerOptions.DefaultChunkSizeBytes),
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
            var endpoint = MongoEndpoint.Parse("source", parse.GetValue(source) ?? Environment.GetEnvironmentVariable(MigrateCommand.SourceVariable));
            var work = CommonOptions.Path(parse.GetValue(workDir), "--work-dir");
            if (work is not null)
            {
                WorkDirectoryCheck.Ensure(work, null);
            }

            var logFile = work is null ? null : Path.Combine(work, "mongomigrate.log");
            using var loggers = environment.CreateLoggerFactory(logFile, parse.GetValue(verbose));
            var job = new DumpJob(endpoint, options, environment.Coordinator, loggers, environment.TimeProvider);
            job.Steering.SetAdaptive(parse.GetValue(adaptive));

            // With the archive on stdout, everything meant for the user goes to stderr.
            var messages = toStdout ? environment.Error : environment.Output;
            return await DumpJobSession.RunAsync(
                environment,
                job,
                job.RunAsync,
                parse.GetValue(json),
                messages,
                $"Dump {job.JobId}: {options.ParallelCollections} collections at once to {options.Destination.Display}{(options.Gzip ? ", gzipped" : string.Empty)}.",
                _ => "the source",
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>--archive - (or a bare --archive): the archive is the data on stdout, so messages, JSON included, go elsewhere.</summary>
    private static bool ArchiveToStdout(ParseResult parse, Option<string> archive) => parse.GetResult(archive) is not null && parse.GetValue(archive) is null or "-";

    /// <summary>--archive with an optional value: mongodump and mongorestore take a bare --archive to mean stdout or stdin.</summary>
    public static Option<string> ArchiveOption(string description) =>
        new("--archive") { Description = description, Arity = ArgumentArity.ZeroOrOne };
}
