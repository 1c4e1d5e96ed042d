using MongoDB.Driver;
using MongoMigrate.Engine.Connections;

namespace MongoMigrate.Engine.Resilience;

/// <summary>One line saying what went wrong, for summaries, `jobs` and the job's history: server errors carry their code name and number; never a secret.</summary>
public static class ErrorDescription
{
    public static string Of(Exception error)
    {
        var text = error switch
        {
            MigrationException => error.Message,
            MongoCommandException command when !string.IsNullOrEmpty(command.CodeName) && !command.Message.Contains(command.CodeName, StringComparison.Ordinal)
                => $"{FirstLine(command.Message)} ({command.CodeName}, code {command.Code})",
            MongoException => FirstLine(error.Message),
            IOException => FirstLine(error.Message),
            _ => $"{error.GetType().Name}: {FirstLine(error.Message)}",
        };
        return SecretRedactor.Redact(text);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd();
    }
}
