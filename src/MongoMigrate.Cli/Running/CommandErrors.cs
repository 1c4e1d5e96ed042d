using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;

namespace MongoMigrate.Cli.Running;

/// <summary>Turns whatever stopped a command into an exit code and one line on stderr (a stack trace only with --verbose).</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(CliEnvironment environment, bool verbose, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await environment.Error.WriteLineAsync($"mongomigrate: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (MigrationException e)
        {
            await environment.Error.WriteLineAsync($"mongomigrate: {SecretRedactor.Redact(e.Message)}").ConfigureAwait(false);
            if (verbose)
            {
                await environment.Error.WriteLineAsync(SecretRedactor.Redact(e.ToString())).ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            await environment.Error.WriteLineAsync("mongomigrate: stopped.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            await environment.Error.WriteLineAsync($"mongomigrate: unexpected {e.GetType().Name}: {SecretRedactor.Redact(ErrorText.FirstLine(e.Message))} (run with --verbose for details)").ConfigureAwait(false);
            if (verbose)
            {
                await environment.Error.WriteLineAsync(SecretRedactor.Redact(e.ToString())).ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }
    }
}
