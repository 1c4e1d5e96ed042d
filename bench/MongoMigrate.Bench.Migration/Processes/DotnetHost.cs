namespace MongoMigrate.Bench.Migration.Processes;

/// <summary>Finds the dotnet executable that runs framework-dependent .dll files (the harness may itself run from an apphost).</summary>
public static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (var variable in new[] { "DOTNET_ROOT", "DOTNET_ROOT_X64" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root && File.Exists(System.IO.Path.Combine(root, executable)))
            {
                return System.IO.Path.Combine(root, executable);
            }
        }

        // The runtime's own folder is <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtime = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location);
        var candidate = runtime is null ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", "..", "..", executable));
        return candidate is not null && File.Exists(candidate) ? candidate : executable;
    }
}
