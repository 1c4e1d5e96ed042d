using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Jobs;

/// <summary>Turns what stopped a namespace into the one line the summary shows: the root cause, no secrets.</summary>
internal static class JobErrors
{
    public static string Describe(Exception error)
    {
        while (error is WorkItemFailedException or AggregateException && error.InnerException is not null)
        {
            error = error.InnerException!;
        }

        var text = error is MigrationException or DumpFormat.DumpFormatException or MongoDB.Driver.MongoCommandException
            ? error.Message
            : $"{error.GetType().Name}: {error.Message}";
        var end = text.IndexOfAny(['\r', '\n']);
        return SecretRedactor.Redact(end < 0 ? text : text[..end]);
    }
}
