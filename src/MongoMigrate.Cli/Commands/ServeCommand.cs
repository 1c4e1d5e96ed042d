using System.CommandLine;
using MongoMigrate.Cli.Running;
using MongoMigrate.Dashboard.Hosting;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate serve`: the dashboard of every job of a work folder, from their state files, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var workDir = new Option<string>("--work-dir") { Description = "The work folder whose jobs to show.", DefaultValueFactory = _ => "mongomigrate-work" };
        var dashboard = CommonOptions.Dashboard();
        var command = new Command("serve", "Serve the dashboard and HTTP API of every job of a work folder (read-only; a running job is steered from its own --dashboard).")
        {
            workDir,
        };
        dashboard.AddTo(command, withSwitch: false);

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, verbose: false, json: false, async () =>
        {
            var work = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!;
            if (!Directory.Exists(work))
            {
                throw new UsageException($"--work-dir '{work}' does not exist: give the folder your jobs ran in (mongomigrate jobs --work-dir lists them).");
            }

            var request = dashboard.Request(parse, work, always: true)!;
            var server = await DashboardServer.StartAsync(request.Options with { Redact = environment.Mask.Apply }, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                await DashboardSession.AnnounceAsync(environment, server, request).ConfigureAwait(false);
                await environment.Error.WriteLineAsync("Serving until Ctrl+C.").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop serving.
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
