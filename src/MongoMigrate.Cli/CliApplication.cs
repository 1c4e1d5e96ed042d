using System.CommandLine;
using MongoMigrate.Cli.Commands;
using MongoMigrate.Cli.Output;
using MongoMigrate.Cli.Running;

namespace MongoMigrate.Cli;

/// <summary>Builds the command tree and runs it: parse errors exit with 2, failed work with 1.</summary>
internal static class CliApplication
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Stream? standardInput = null, Stream? standardOutput = null)
    {
        // Whatever position a URI was typed in (a mistyped option, no option at all), its password is never printed.
        var mask = SecretMask.From([.. args, Environment.GetEnvironmentVariable(MigrateCommand.SourceVariable), Environment.GetEnvironmentVariable(MigrateCommand.TargetVariable)]);
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && !Console.IsInputRedirected;
        var maskedOutput = mask.Wrap(output);
        var maskedError = mask.Wrap(error);
        using var environment = new CliEnvironment(maskedOutput, maskedError, TimeProvider.System, interactive, consoleOutput: output, mask: mask)
        {
            OpenStandardInput = standardInput is null ? Console.OpenStandardInput : () => standardInput,
            OpenStandardOutput = standardOutput is null ? Console.OpenStandardOutput : () => standardOutput,
        };
        var root = CreateRoot(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await maskedError.WriteLineAsync($"mongomigrate: {problem.Message}").ConfigureAwait(false);
            }

            await maskedError.WriteLineAsync("Run 'mongomigrate --help' for usage.").ConfigureAwait(false);
            if (args.Contains("--json", StringComparer.Ordinal))
            {
                await CommandErrors.WriteJsonAsync(maskedOutput, ExitCodes.Usage, mask.Apply(string.Join(" ", parse.Errors.Select(p => p.Message)))).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        // Ctrl+C and SIGTERM cancel the command's token; the job then stops its chunks and records a resumable
        // state. The signals are ours from here on, not the library's (it would hear them only after the command's
        // first await, and end the process after a timeout).
        using var signals = new TerminationSignals();
        var configuration = new InvocationConfiguration { Output = maskedOutput, Error = maskedError, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(configuration, signals.Token).ConfigureAwait(false);
    }

    /// <summary>The command tree; tests walk it to reach every option.</summary>
    public static RootCommand CreateRoot(CliEnvironment environment) =>
        new("mongomigrate: moves MongoDB collections between deployments in parallel chunks, resumably, and proves the copy.")
        {
            DemoCommand.Create(environment),
            MigrateCommand.Create(environment),
            DumpCommand.Create(environment),
            RestoreCommand.Create(environment),
            VerifyCommand.Create(environment),
            JobsCommand.Create(environment),
            CutoverCommand.Create(environment),
            SyncBackCommand.Create(environment),
            WorkerCommand.Create(environment),
            ServeCommand.Create(environment),
            SandboxCommand.Create(environment.Output),
        };
}
