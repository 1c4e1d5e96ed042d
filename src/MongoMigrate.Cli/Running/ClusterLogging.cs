using Microsoft.Extensions.Logging;
using MongoMigrate.Cli.Output;

namespace MongoMigrate.Cli.Running;

/// <summary>Where a cluster worker or client process logs: a file in the work folder, never the console.</summary>
internal static class ClusterLogging
{
    /// <summary>Logs to the work folder's mongomigrate-cluster.log (Orleans' own lines from warnings up), never to the console.</summary>
    public static Action<ILoggingBuilder> For(CliEnvironment environment, string folder, bool verbose) => builder =>
    {
        Directory.CreateDirectory(folder);
        var level = verbose ? LogLevel.Debug : LogLevel.Information;
        builder.ClearProviders();
        builder.SetMinimumLevel(level);
        builder.AddFilter("Orleans", verbose ? LogLevel.Information : LogLevel.Warning);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        builder.AddProvider(new FileLoggerProvider(Path.Combine(folder, "mongomigrate-cluster.log"), level, environment.TimeProvider, environment.Mask));
    };
}
