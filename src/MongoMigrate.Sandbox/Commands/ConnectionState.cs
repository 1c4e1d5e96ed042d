namespace MongoMigrate.Sandbox.Commands;

/// <summary>What the server knows about one client connection.</summary>
internal sealed class ConnectionState(int id, string remoteAddress)
{
    public int Id { get; } = id;

    public string RemoteAddress { get; } = remoteAddress;

    /// <summary>The application name the driver sent in its handshake, used by fail points.</summary>
    public string? AppName { get; set; }

    /// <summary>Set by a handler (or fault) that wants the connection closed after this command.</summary>
    public bool CloseRequested { get; set; }

    /// <summary>
    /// Completes when the client closes its end while the server holds a reply (the connection reads nothing
    /// meanwhile, so only a watch of the socket notices); ends quietly when the token is cancelled.
    /// </summary>
    public Func<CancellationToken, Task> ClientGoneAsync { get; init; } = static token => Task.Delay(Timeout.Infinite, token);
}
