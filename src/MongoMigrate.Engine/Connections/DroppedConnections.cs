using MongoDB.Driver;

namespace MongoMigrate.Engine.Connections;

/// <summary>
/// The first commands of a job (ping, hello, who the deployment is) run before the job's retry policy is set up;
/// a connection dropped under a server that answers is worth two more tries (the driver reconnects), while an
/// unreachable server times out instead and a refused login is final.
/// </summary>
public static class DroppedConnections
{
    private const int Attempts = 3;

    public static async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> command, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await command(cancellationToken).ConfigureAwait(false);
            }
            catch (MongoConnectionException e) when (attempt < Attempts && e is not MongoAuthenticationException)
            {
                // Try again on a new connection.
            }
        }
    }
}
