using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MongoMigrate.Engine.Tests.Dumping;

/// <summary>Keeps every log message, so a test can tell that a path it set up (a retry, a resume) was taken.</summary>
internal sealed class CapturingLogger : ILoggerFactory, ILogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Enqueue(formatter(state, exception));

    public void Dispose()
    {
    }
}
