using Microsoft.Data.Sqlite;
using MongoMigrate.Cli.Output;
using MongoMigrate.Engine;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Turns whatever stopped a command into an exit code and one line on stderr (a stack trace only with --verbose);
/// with --json, stdout also gets one JSON object that says so. Secrets are masked in all of it.
/// </summary>
internal static class CommandErrors
{
    // SQLite result codes (primary) that the disk or its permissions explain.
    private const int SqliteReadOnly = 8;
    private const int SqliteFull = 13;
    private const int SqliteCannotOpen = 14;
    private const int SqlitePermission = 3;
    private const int SqliteIoError = 10;

    // errno ENOSPC, which .NET keeps as the HResult of the IOException it raises for it.
    private const int NoSpaceLeft = 28;

    public static async Task<int> RunAsync(CliEnvironment environment, bool verbose, bool json, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            return await FailAsync(environment, ExitCodes.Usage, e.Message, null, json).ConfigureAwait(false);
        }
        catch (MigrationException e)
        {
            return await FailAsync(environment, ExitCodes.Failure, e.Message, e, json, verbose).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return await FailAsync(environment, ExitCodes.Failure, "stopped.", null, json).ConfigureAwait(false);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            return await FailAsync(environment, ExitCodes.Failure, message, e, json, verbose).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return await FailAsync(environment, ExitCodes.Failure, $"unexpected {e.GetType().Name}: {ErrorText.FirstLine(e.Message)} (run with --verbose for details)", e, json, verbose).ConfigureAwait(false);
        }
    }

    /// <summary>The one line for an error the command line or the environment explains; null for a bug.</summary>
    public static string? Describe(Exception error) => error switch
    {
        SqliteException { SqliteErrorCode: SqliteReadOnly or SqlitePermission } e =>
            $"The job state cannot be written ({ErrorText.FirstLine(e.Message)}): make state.db and its folder in --work-dir writable, or choose another --work-dir.",
        SqliteException { SqliteErrorCode: SqliteFull } e =>
            $"The disk of --work-dir is full ({ErrorText.FirstLine(e.Message)}): free some space or choose another --work-dir, then run the same command again.",
        SqliteException { SqliteErrorCode: SqliteCannotOpen or SqliteIoError } e =>
            $"The job state cannot be opened ({ErrorText.FirstLine(e.Message)}): check that --work-dir is a writable folder on a disk with room.",
        UnauthorizedAccessException e =>
            $"Permission denied: {ErrorText.FirstLine(e.Message)} Check the permissions of the folders and files given (--work-dir, --out, --dir, --archive).",
        IOException e when e.HResult == NoSpaceLeft || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) =>
            $"The disk is full: {ErrorText.FirstLine(e.Message)} Free some space or write elsewhere (--work-dir, --out, --archive), then run the same command again.",
        DirectoryNotFoundException e =>
            $"A folder is missing: {ErrorText.FirstLine(e.Message)} Check the paths given (--work-dir, --out, --dir, --archive).",
        IOException e when e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) =>
            $"The disk is read-only: {ErrorText.FirstLine(e.Message)} Write elsewhere (--work-dir, --out, --archive).",
        _ => null,
    };

    private static async Task<int> FailAsync(CliEnvironment environment, int exitCode, string message, Exception? error, bool json, bool verbose = false)
    {
        var line = environment.Mask.Apply(ErrorText.FirstLine(message));
        await environment.Error.WriteLineAsync($"mongomigrate: {line}").ConfigureAwait(false);
        if (verbose && error is not null)
        {
            await environment.Error.WriteLineAsync(environment.Mask.Apply(error.ToString())).ConfigureAwait(false);
        }

        if (json)
        {
            await WriteJsonAsync(environment.Output, exitCode, line).ConfigureAwait(false);
        }

        return exitCode;
    }

    /// <summary>With --json, a run that ends in an error still prints one object: the status, the exit code and the reason.</summary>
    public static async Task WriteJsonAsync(TextWriter output, int exitCode, string message)
    {
        await JsonOutput.WriteLineAsync(
            output,
            json =>
            {
                json.WriteStartObject();
                json.WriteString("status", "error");
                json.WriteNumber("exitCode", exitCode);
                json.WriteString("error", message);
                json.WriteEndObject();
            },
            relaxedEscaping: true).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }
}
