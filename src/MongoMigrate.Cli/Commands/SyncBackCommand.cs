using System.CommandLine;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Cli.Commands;

/// <summary>
/// `mongomigrate sync-back`: after an online job's cutover, follows the target's changes back to the source (renames
/// reversed) until its own cutover back (`mongomigrate cutover --job-id`, or the key c). Resumable: run it again after
/// a stop. The job's state never holds a password, so the URIs are given again, as for `migrate --resume`.
/// </summary>
internal static class SyncBackCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var jobId = new Option<string>("--job-id") { Description = "The cut-over online job to follow back (mongomigrate jobs lists them).", Required = true };
        var workDir = new Option<string>("--work-dir") { Description = "The work folder the job ran in.", DefaultValueFactory = _ => "mongomigrate-work" };
        var source = new Option<string>("--source") { Description = $"The job's source URI, now written (or set {MigrateCommand.SourceVariable})." };
        var target = new Option<string>("--target") { Description = $"The job's target URI, now followed (or set {MigrateCommand.TargetVariable})." };
        var restoreWorkers = new Option<int?>("--restore-workers") { Description = "Changes applied at once (the job's own count by default); > and < change it live." };
        var connectTimeout = new Option<int>("--connect-timeout") { Description = "Seconds to wait for each server to answer before giving up.", DefaultValueFactory = _ => 10 };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("sync-back", "After an online job's cutover: follow the target's changes back to the source, so that the application can switch back, until a cutover back (mongomigrate cutover).")
        {
            jobId, workDir, source, target, restoreWorkers, connectTimeout, json, verbose,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var id = parse.GetValue(jobId)!;
            JobOptionRules.RequireJobId(id);
            if (parse.GetValue(restoreWorkers) is <= 0)
            {
                throw new UsageException("--restore-workers must be at least 1.");
            }

            if (parse.GetValue(connectTimeout) <= 0)
            {
                throw new UsageException("--connect-timeout must be a positive number of seconds.");
            }

            var folder = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!;
            if (!File.Exists(JobFolder.StatePath(JobFolder.Of(folder, id))))
            {
                throw new UsageException($"There is no job {id} in {folder}: check --job-id and --work-dir (mongomigrate jobs lists them).");
            }

            var sourceUri = parse.GetValue(source) ?? Environment.GetEnvironmentVariable(MigrateCommand.SourceVariable);
            var targetUri = parse.GetValue(target) ?? Environment.GetEnvironmentVariable(MigrateCommand.TargetVariable);
            if (string.IsNullOrWhiteSpace(sourceUri) || string.IsNullOrWhiteSpace(targetUri))
            {
                throw new UsageException("sync-back needs the job's --source and --target again (the job's state keeps no passwords), as migrate --resume does.");
            }

            var options = new SyncBackOptions
            {
                JobId = id,
                WorkDirectory = folder,
                RestoreWorkers = parse.GetValue(restoreWorkers),
                ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(connectTimeout)),
            };
            var logFile = Path.Combine(folder, "mongomigrate.log");
            using var loggers = environment.CreateLoggerFactory(logFile, parse.GetValue(verbose));
            var job = new SyncBackJob(MongoEndpoint.Parse("source", sourceUri), MongoEndpoint.Parse("target", targetUri), options, environment.Coordinator, loggers, environment.TimeProvider);
            return await new SyncBackSession(environment, parse.GetValue(json)).RunAsync(job, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
