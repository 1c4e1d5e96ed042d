using Microsoft.Extensions.Logging;

namespace MongoMigrate.Cli.Output;

/// <summary>
/// Writes log lines to a file, so they do not tear the live progress display; the engine never logs
/// secrets, and lines pass through the redactor anyway.
/// </summary>
internal sealed class FileLoggerProvider(string path, LogLevel minimum, TimeProvider timeProvider, SecretMask mask) : ILoggerProvider
{
    private readonly Lock _lock = new();
    private StreamWriter? _writer;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{timeProvider.GetUtcNow():O} {level,-11} {category}: {mask.Apply(message)}";
        if (exception is not null)
        {
            line += Environment.NewLine + mask.Apply(exception.ToString());
        }

        lock (_lock)
        {
            if (_writer is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            }

            _writer.WriteLine(line);
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
