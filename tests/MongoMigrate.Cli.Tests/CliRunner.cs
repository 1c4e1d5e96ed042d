namespace MongoMigrate.Cli.Tests;

/// <summary>Runs mongomigrate in-process with captured output, as a script would see it.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunWithStreamsAsync(null, null, args);

    /// <summary>Runs with the given raw stdin and stdout (for archives piped in or out with --archive -).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunWithStreamsAsync(Stream? standardInput, Stream? standardOutput, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, output, error, standardInput, standardOutput);
        return (code, output.ToString(), error.ToString());
    }
}
