using System.Net;
using MongoMigrate.Dashboard.Security;

namespace MongoMigrate.Dashboard.Hosting;

/// <summary>Where a dashboard listens and what it asks for.</summary>
public sealed record DashboardOptions
{
    /// <summary>The TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The address to listen on; loopback unless given.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The token every request must carry; null serves without one (loopback only).</summary>
    public AccessToken? Token { get; init; }

    /// <summary>A work folder whose stored jobs are served beside the running ones (mongomigrate serve).</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Masks secrets in every text taken from a job (the CLI's passwords, on top of the engine's redaction).</summary>
    public Func<string, string>? Redact { get; init; }

    /// <summary>How often live jobs are sampled and event streams woken.</summary>
    public TimeSpan PulseInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Refuses an address beyond loopback without a token: the API steers jobs.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        if (!IPAddress.IsLoopback(Address) && Token is null)
        {
            throw new ArgumentException($"a dashboard listening on {Address} needs a token.", nameof(Token));
        }
    }
}
