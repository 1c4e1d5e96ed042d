using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Datasets;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// Two `mongomigrate sandbox` processes, the source filled once: customers, orders and events of the demo shop
/// (ObjectId, Int64 and mixed _ids; unique and secondary indexes) and padded documents with Int64 _ids:
/// 50,000 documents in about 45 chunks of 1 MB.
/// </summary>
public sealed class KillTestServers : IAsyncLifetime
{
    public const string Database = "shop";

    private ChildProcess? _source;
    private ChildProcess? _target;

    public string SourceUri { get; private set; } = string.Empty;

    public string TargetUri { get; private set; } = string.Empty;

    public IMongoClient SourceClient { get; private set; } = null!;

    public IMongoClient TargetClient { get; private set; } = null!;

    public long Documents { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        (_source, SourceUri) = await SandboxProcess.StartAsync("none", cancellationToken);
        (_target, TargetUri) = await SandboxProcess.StartAsync("none", cancellationToken);
        SourceClient = new MongoClient(SourceUri);
        TargetClient = new MongoClient(TargetUri);
        IReadOnlyList<CollectionSpec> specs =
        [
            .. DemoDataset.Create(20_000, 3),
            new CollectionSpec { Name = "padded", Documents = 30_000, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000), Indexes = [Index("n_1", "n")] },
        ];
        await new DatasetWriter(SourceClient).WriteAllAsync(Database, specs, seed: 2026, progress: null, cancellationToken);
        Documents = specs.Sum(s => s.Documents);
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

    private static RawDocument Index(string name, string field) =>
        new BsonBuilder().StartDocument().StartDocument("key").Int32(field, 1).End().String("name", name).End().ToDocument();
}
