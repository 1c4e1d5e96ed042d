using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.WorkerPools;
using Spectre.Console;

namespace MongoMigrate.Cli;

/// <summary>What the commands share: the console, the clock, the process-wide worker pool coordinator.</summary>
internal sealed class CliEnvironment : IDisposable
{
    public CliEnvironment(TextWriter output, TextWriter error, TimeProvider timeProvider, bool? interactive = null)
    {
        Output = output;
        Error = error;
        TimeProvider = timeProvider;
        IsInteractive = interactive ?? (ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected && !System.Console.IsInputRedirected);
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
        });
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TimeProvider TimeProvider { get; }

    public bool IsInteractive { get; }

    public IAnsiConsole Console { get; }

    /// <summary>How often plain progress lines are written when output is redirected.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One coordinator per process: every job's pools come from it. A worker with no progress for 15 minutes
    /// is declared stuck, cancelled, and its chunk handed back for another attempt (chunks are idempotent).
    /// </summary>
    public WorkerPoolCoordinator Coordinator { get; } = new(new WorkerPoolCoordinatorOptions { StuckWorkerTimeout = TimeSpan.FromMinutes(15) });

    public ILoggerFactory CreateLoggerFactory(string logFile, bool verbose) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
            builder.AddProvider(new Output.FileLoggerProvider(logFile, verbose ? LogLevel.Debug : LogLevel.Information, TimeProvider));
        });

    public void Dispose() => Coordinator.Dispose();
}
