using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Resilience;

/// <summary>
/// One line saying what went wrong, for summaries, `jobs` and the job's history, in every job kind: the root cause
/// (a failed work item or an aggregate is looked through), server errors with their code name and number; never a secret.
/// </summary>
public static class ErrorDescription
{
    public static string Of(Exception error)
    {
        while (error is WorkItemFailedException or AggregateException && error.InnerException is not null)
        {
            error = error.InnerException!;
        }

        var line = ErrorText.FirstLine(error.Message);
        var text = error switch
        {
            // The driver's text goes on with its whole view of the cluster: what matters is that nothing answered.
            TimeoutException when line.Contains("selecting a server", StringComparison.Ordinal)
                => $"no server answered ({line[..line.IndexOf(" selecting a server", StringComparison.Ordinal)].Replace("A timeout occurred", "server selection timed out", StringComparison.Ordinal)}): it is down or cannot be reached",
            MigrationException or DumpFormatException => line,
            MongoCommandException command when !string.IsNullOrEmpty(command.CodeName) && !command.Message.Contains(command.CodeName, StringComparison.Ordinal)
                => $"{line} ({command.CodeName}, code {command.Code})",
            MongoException or IOException => line,
            _ => $"{error.GetType().Name}: {line}",
        };
        return SecretRedactor.Redact(text);
    }
}
