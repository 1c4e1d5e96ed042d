using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Engine.Connections;

/// <summary>Checks that an endpoint answers before any work starts, turning driver errors into one line that names the side.</summary>
public static class ConnectionProbe
{
    /// <summary>Pings the server; throws <see cref="MigrationException"/> with a clear reason when it cannot.</summary>
    public static async Task<BsonDocument> CheckAsync(IMongoClient client, MongoEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await DroppedConnections.RetryAsync(
                async token =>
                {
                    var admin = client.GetDatabase("admin");
                    await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: token).ConfigureAwait(false);
                    return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1), cancellationToken: token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Describe(e, endpoint, timeout) is { } message)
        {
            throw new MigrationException(message, e);
        }
    }

    /// <summary>A one-line explanation of a connection-level failure, or null if the error is something else.</summary>
    public static string? Describe(Exception error, MongoEndpoint endpoint, TimeSpan timeout)
    {
        var reason = SecretRedactor.Redact(Sentence(error.Message));
        return error switch
        {
            MongoAuthenticationException => $"The {endpoint.Role} {endpoint.Display} rejected the credentials: {reason} Check the user name, password and authSource in the {endpoint.Role} URI.",
            TimeoutException when error.Message.Contains("Authentication", StringComparison.OrdinalIgnoreCase)
                => $"The {endpoint.Role} {endpoint.Display} rejected the credentials. Check the user name, password and authSource in the {endpoint.Role} URI.",
            TimeoutException => $"Cannot reach the {endpoint.Role} at {endpoint.Display} within {timeout.TotalSeconds:0} s. Check the host, port and network, and that the server is running.",
            MongoConnectionException => $"Cannot connect to the {endpoint.Role} at {endpoint.Display}: {reason} Check the host, port and network, and that the server is running.",
            _ => null,
        };
    }

    private static string Sentence(string message)
    {
        var line = ErrorText.FirstLine(message);
        return line.EndsWith('.') ? line : line + ".";
    }
}
