using System.CommandLine;
using System.Globalization;
using MongoMigrate.Cli.Output;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate verify`: proves, on its own, that a target equals a source (after any copy, by any tool).</summary>
internal static class VerifyCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var source = new Option<string>("--source") { Description = $"Source URI (or set {MigrateCommand.SourceVariable})." };
        var target = new Option<string>("--target") { Description = $"Target URI (or set {MigrateCommand.TargetVariable})." };
        var include = CommonOptions.Include();
        var exclude = CommonOptions.Exclude();
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var workers = new Option<int>("--workers") { Description = "_id ranges compared at once, shared by all collections (+/- change them live).", DefaultValueFactory = _ => 4 };
        var sample = new Option<double>("--sample") { Description = "Compare only this fraction of each collection's _id ranges (e.g. 0.1), spread over it; the report says so.", DefaultValueFactory = _ => 1 };
        var chunkSize = new Option<string>("--chunk-size") { Description = "Collections are compared in _id ranges of about this size (64MB by default)." };
        var workDir = new Option<string>("--work-dir") { Description = "Folder for the job's checkpoint and log, so that --resume carries on (nothing is kept when not given)." };
        var jobId = new Option<string>("--job-id") { Description = "The job's id (made up when not given; needed with --resume)." };
        var resume = new Option<bool>("--resume") { Description = "Carry on the verification --job-id without comparing again the ranges it finished." };
        var report = new Option<string>("--report") { Description = "Write the report here: JSON, and a Markdown summary beside it (FILE.md); a name ending in .md gives FILE.json beside it." };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Seconds to wait for each server to answer before giving up.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object, nothing else on stdout." };
        var verbose = CommonOptions.Verbose();
        var dashboard = CommonOptions.Dashboard();
        var command = new Command("verify", "Compare collections of a source and a target: options, indexes, counts and every document's bytes by _id. Exit 0 equal, 1 different.")
        {
            source, target, include, exclude, from, to, workers, sample, chunkSize, workDir, jobId, resume, report, connectTimeout, json, verbose,
        };
        dashboard.AddTo(command);

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var work = CommonOptions.Path(parse.GetValue(workDir), "--work-dir");
            var options = new VerifyJobOptions
            {
                JobId = parse.GetValue(jobId),
                Selection = CommonOptions.Selection(parse.GetValue(include), parse.GetValue(exclude), CommonOptions.Renames(parse.GetValue(from), parse.GetValue(to))),
                Workers = parse.GetValue(workers),
                SampleFraction = parse.GetValue(sample),
                ChunkSizeBytes = CommonOptions.Size(parse.GetValue(chunkSize), "--chunk-size", ChunkPlannerOptions.DefaultChunkSizeBytes),
                WorkDirectory = work,
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

            var reportPath = CommonOptions.Path(parse.GetValue(report), "--report");
            dashboard.Use(environment, parse);
            var sourceEndpoint = MongoEndpoint.Parse("source", parse.GetValue(source) ?? Environment.GetEnvironmentVariable(MigrateCommand.SourceVariable));
            var targetEndpoint = MongoEndpoint.Parse("target", parse.GetValue(target) ?? Environment.GetEnvironmentVariable(MigrateCommand.TargetVariable));
            if (work is not null)
            {
                WorkDirectoryCheck.Ensure(work, null);
            }

            using var loggers = environment.CreateLoggerFactory(work is null ? null : Path.Combine(work, "mongomigrate.log"), parse.GetValue(verbose));
            var job = new VerifyJob(sourceEndpoint, targetEndpoint, options, environment.Coordinator, loggers, environment.TimeProvider);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var running = job.RunAsync(stop.Token);
            var opening = string.Create(
                CultureInfo.InvariantCulture,
                $"Verify {job.JobId}: {sourceEndpoint.Display} against {targetEndpoint.Display}, {options.Workers} reader(s){(options.SampleFraction < 1 ? $", a sample of {options.SampleFraction:P0} of the _id ranges" : string.Empty)}.");
            await ProgressDisplay.ShowAsync(environment, job, running, stop, parse.GetValue(json), environment.Output, () => Task.FromResult<string?>(opening), _ => "the source or target").ConfigureAwait(false);
            var result = await running.ConfigureAwait(false);
            if (reportPath is not null)
            {
                await VerifyReportWriter.WriteAsync(reportPath, result, cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                await environment.Output.WriteLineAsync(VerifyReportWriter.ToJson(result)).ConfigureAwait(false);
            }
            else
            {
                await VerifySummaryWriter.WriteTextAsync(environment.Output, result, reportPath).ConfigureAwait(false);
            }

            return result.Equal ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }
}
