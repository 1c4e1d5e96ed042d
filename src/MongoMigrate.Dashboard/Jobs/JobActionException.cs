namespace MongoMigrate.Dashboard.Jobs;

/// <summary>An action refused: the HTTP status to answer with and the one line that says why and what to do.</summary>
public sealed class JobActionException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
