namespace MongoMigrate.Cli.Tests;

/// <summary>Runs mongomigrate in-process with captured output, as a script would see it.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
