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
        (_source, SourceUri) = await StartSandboxAsync(cancellationToken);
        (_target, TargetUri) = await StartSandboxAsync(cancellationToken);
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

    private static async Task<(ChildProcess Process, string Uri)> StartSandboxAsync(CancellationToken cancellationToken)
    {
        var process = ChildProcess.Start(["sandbox", "--port", "0", "--replica-set", "rs0"]);
        var line = await process.FirstLineAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var uri = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.StartsWith("mongodb://", uri, StringComparison.Ordinal);
        return (process, uri);
    }
}
