using MongoDB.Driver;

namespace MongoMigrate.Cli.Tests;

/// <summary>Two `mongomigrate sandbox` processes running as one-member replica sets (change streams need one); each test fills its own database.</summary>
public sealed class OnlineTestServers : IAsyncLifetime
{
    private ChildProcess? _source;
    private ChildProcess? _target;

    public string SourceUri { get; private set; } = string.Empty;

    public string TargetUri { get; private set; } = string.Empty;

    public IMongoClient SourceClient { get; private set; } = null!;

    public IMongoClient TargetClient { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        (_source, SourceUri) = await SandboxProcess.StartAsync("rs0", cancellationToken);
        (_target, TargetUri) = await SandboxProcess.StartAsync("rs0", cancellationToken);
        SourceClient = new MongoClient(SourceUri);
        TargetClient = new MongoClient(TargetUri);
    }

    public async ValueTask DisposeAsync()
    {
        SourceClient?.Dispose();
        TargetClient?.Dispose();
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }
}
