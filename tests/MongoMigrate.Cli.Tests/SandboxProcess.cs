namespace MongoMigrate.Cli.Tests;

/// <summary>A `mongomigrate sandbox` child process on a free port, started as the tests' servers are.</summary>
internal static class SandboxProcess
{
    /// <summary>Starts one with the given <c>--replica-set</c> (a set name, or <c>none</c> for a standalone) and returns it with its URI.</summary>
    public static async Task<(ChildProcess Process, string Uri)> StartAsync(string replicaSet, CancellationToken cancellationToken, params string[] options)
    {
        var process = ChildProcess.Start(["sandbox", "--port", "0", "--replica-set", replicaSet, .. options]);
        var line = await process.FirstLineAsync(TimeSpan.FromSeconds(60), cancellationToken);

        // "sandbox listening on 127.0.0.1:PORT mongodb://127.0.0.1:PORT/?..."
        var uri = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.StartsWith("mongodb://", uri, StringComparison.Ordinal);
        return (process, uri);
    }
}
