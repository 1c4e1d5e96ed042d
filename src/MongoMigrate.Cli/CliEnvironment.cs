using Microsoft.Extensions.Logging;
using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.WorkerPools;
using Spectre.Console;

namespace MongoMigrate.Cli;

/// <summary>What the commands share: the console, the clock, the process-wide worker pool coordinator.</summary>
internal sealed class CliEnvironment : IDisposable
{
    private readonly Lazy<WorkerPoolCoordinator> _coordinator;
    private TimeSpan? _stuckWorkerTimeout = TimeSpan.FromMinutes(15);

    /// <param name="output">Standard output, as the commands write to it.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="interactive">Whether a person watches a terminal; by default, whether stdout is the console's own.</param>
    /// <param name="consoleOutput">The writer the live display draws on (by default <paramref name="output"/>): the terminal itself, so that it is recognised as one.</param>
    /// <param name="mask">The passwords of this run, masked in everything it writes.</param>
    public CliEnvironment(TextWriter output, TextWriter error, TimeProvider timeProvider, bool? interactive = null, TextWriter? consoleOutput = null, SecretMask? mask = null)
    {
        _coordinator = new(() => new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { StuckWorkerTimeout = _stuckWorkerTimeout }, timeProvider));
        Output = output;
        Error = error;
        TimeProvider = timeProvider;
        Mask = mask ?? SecretMask.None;
        consoleOutput ??= output;
        IsInteractive = interactive ?? (ReferenceEquals(consoleOutput, System.Console.Out) && !System.Console.IsOutputRedirected && !System.Console.IsInputRedirected);
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(consoleOutput),
            Interactive = IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
        });
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TimeProvider TimeProvider { get; }

    public bool IsInteractive { get; }

    /// <summary>The passwords this run was given; everything printed or logged goes through it.</summary>
    public SecretMask Mask { get; }

    public IAnsiConsole Console { get; }

    /// <summary>Set by a command given --dashboard: the running job is then served on the web beside the terminal's display.</summary>
    public Running.DashboardRequest? Dashboard { get; set; }

    /// <summary>How often plain progress lines are written when output is redirected.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Opens the raw standard input, for an archive read from stdin (<c>--archive -</c>).</summary>
    public Func<Stream> OpenStandardInput { get; init; } = System.Console.OpenStandardInput;

    /// <summary>Opens the raw standard output, for an archive written to stdout (<c>--archive -</c>).</summary>
    public Func<Stream> OpenStandardOutput { get; init; } = System.Console.OpenStandardOutput;

    /// <summary>
    /// A worker with no progress for this long is declared stuck, cancelled, and its chunk handed back for another
    /// attempt (chunks are idempotent); null turns the check off. Set it before <see cref="Coordinator"/> is first used.
    /// </summary>
    public TimeSpan? StuckWorkerTimeout
    {
        get => _stuckWorkerTimeout;
        set
        {
            if (_coordinator.IsValueCreated)
            {
                throw new InvalidOperationException("The worker pools already exist: set the stuck-worker timeout before the job starts.");
            }

            _stuckWorkerTimeout = value;
        }
    }

    /// <summary>One coordinator per process, created on first use: every job's pools come from it.</summary>
    public WorkerPoolCoordinator Coordinator => _coordinator.Value;

    /// <summary>A logger factory writing to <paramref name="logFile"/>, or logging nowhere when it is null.</summary>
    public ILoggerFactory CreateLoggerFactory(string? logFile, bool verbose)
    {
        if (logFile is null)
        {
            return Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        }

        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
            builder.AddProvider(new Output.FileLoggerProvider(logFile, verbose ? LogLevel.Debug : LogLevel.Information, TimeProvider, Mask));
        });
    }

    public void Dispose()
    {
        if (_coordinator.IsValueCreated)
        {
            _coordinator.Value.Dispose();
        }
    }
}
