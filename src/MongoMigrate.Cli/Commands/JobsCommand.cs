using System.CommandLine;
using MongoMigrate.Cli.Output;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate jobs`: the jobs of a work folder, where each stands, what is left, what failed and how to carry it on.</summary>
internal static class JobsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var workDir = new Option<string>("--work-dir") { Description = "The work folder whose jobs to list.", DefaultValueFactory = _ => "mongomigrate-work" };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var cluster = WorkerCommand.ClusterOption();
        var command = new Command("jobs", "List the jobs in a work folder (or of a cluster): state, progress, what is left, what failed and how to resume.") { workDir, json, verbose, cluster };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var folder = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!;
            if (parse.GetResult(cluster) is not null)
            {
                return await ClusterJobsListing.RunAsync(environment, parse.GetValue(cluster), folder, parse.GetValue(json), parse.GetValue(verbose), cancellationToken).ConfigureAwait(false);
            }

            if (File.Exists(folder))
            {
                throw new UsageException($"--work-dir '{folder}' is a file, not a folder: give the work folder the jobs ran in.");
            }

            var jobs = await JobCatalog.ListAsync(folder, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JobListWriter.WriteJsonAsync(environment.Output, folder, jobs).ConfigureAwait(false);
            }
            else
            {
                await JobListWriter.WriteTextAsync(environment.Output, folder, jobs).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
