using MongoDB.Driver;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// A source and a target `mongomigrate sandbox` process (<see cref="SandboxProcess"/>), each with a driver client:
/// started before a test class, stopped after it. A fixture says how they run and what the source holds.
/// </summary>
public abstract class SandboxServers(string replicaSet) : IAsyncLifetime
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
        (_source, SourceUri) = await SandboxProcess.StartAsync(replicaSet, cancellationToken);
        (_target, TargetUri) = await SandboxProcess.StartAsync(replicaSet, cancellationToken);
        SourceClient = new MongoClient(SourceUri);
        TargetClient = new MongoClient(TargetUri);
        await FillAsync(cancellationToken);
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

        GC.SuppressFinalize(this);
    }

    /// <summary>Fills the source once both servers run; nothing unless a fixture says so.</summary>
    protected virtual Task FillAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
