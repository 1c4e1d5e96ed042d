using MongoDB.Driver;
using MongoMigrate.Sandbox;
using Xunit;

namespace MongoMigrate.Testing;

/// <summary>
/// The MongoDB server integration tests talk to: a sandbox on a free loopback port, or the real server
/// named by MONGOMIGRATE_TEST_URI, so the same tests check that the sandbox and MongoDB agree.
/// </summary>
public sealed class MongoServerFixture : IAsyncLifetime
{
    public const string UriVariable = "MONGOMIGRATE_TEST_URI";

    private int _databaseCounter;

    /// <summary>The sandbox, when the tests run against it; null against a real server.</summary>
    public SandboxServer? Sandbox { get; private set; }

    public bool IsSandbox => Sandbox is not null;

    public string ConnectionString { get; private set; } = string.Empty;

    public IMongoClient Client { get; private set; } = null!;

    /// <summary>The URI of a real server from the environment, or null.</summary>
    public static string? ExternalUri =>
        Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri ? uri : null;

    /// <summary>A database name no other test uses, short enough for the server's limit.</summary>
    public string NewDatabaseName(string hint = "t")
    {
        var n = Interlocked.Increment(ref _databaseCounter);
        var prefix = new string(hint.Where(char.IsLetterOrDigit).Take(40).ToArray());
        return $"mmt_{prefix}_{n}_{Environment.ProcessId % 10000}";
    }

    /// <summary>Skips the calling test when it needs the sandbox's own API (fault injection, cursor killing).</summary>
    public SandboxServer RequireSandbox()
    {
        if (Sandbox is null)
        {
            Assert.Skip("This test drives the sandbox's fault-injection API; it does not run against MONGOMIGRATE_TEST_URI.");
        }

        return Sandbox!;
    }

    public async ValueTask InitializeAsync()
    {
        if (ExternalUri is { } uri)
        {
            ConnectionString = uri;
        }
        else
        {
            Sandbox = await SandboxServer.StartAsync(new SandboxOptions(), TestContext.Current.CancellationToken);
            ConnectionString = Sandbox.ConnectionString;
        }

        Client = new MongoClient(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }
}
