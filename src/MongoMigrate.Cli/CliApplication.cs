using System.CommandLine;
using MongoMigrate.Cli.Commands;

namespace MongoMigrate.Cli;

/// <summary>Builds the command tree and runs it: parse errors exit with 2, failed work with 1.</summary>
internal static class CliApplication
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Stream? standardInput = null, Stream? standardOutput = null)
    {
        using var environment = new CliEnvironment(output, error, TimeProvider.System)
        {
            OpenStandardInput = standardInput is null ? Console.OpenStandardInput : () => standardInput,
            OpenStandardOutput = standardOutput is null ? Console.OpenStandardOutput : () => standardOutput,
        };
        var root = new RootCommand("mongomigrate: moves MongoDB collections between deployments in parallel chunks, resumably, and proves the copy.")
        {
            DemoCommand.Create(environment),
            MigrateCommand.Create(environment),
            DumpCommand.Create(environment),
            RestoreCommand.Create(environment),
            JobsCommand.Create(environment),
            SandboxCommand.Create(output),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"mongomigrate: {problem.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'mongomigrate --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Ctrl+C and SIGTERM cancel the command's token; the job then stops its chunks and records a resumable
        // state, which can take longer than the default two seconds after which the process would be ended.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
        return await parse.InvokeAsync(configuration).ConfigureAwait(false);
    }
}
