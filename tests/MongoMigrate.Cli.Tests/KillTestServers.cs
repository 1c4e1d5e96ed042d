using MongoMigrate.Bson;
using MongoMigrate.Datasets;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// Two `mongomigrate sandbox` processes, the source filled once: customers, orders and events of the demo shop
/// (ObjectId, Int64 and mixed _ids; unique and secondary indexes) and padded documents with Int64 _ids:
/// 50,000 documents in about 45 chunks of 1 MB.
/// </summary>
public sealed class KillTestServers() : SandboxServers("none")
{
    public const string Database = "shop";

    public long Documents { get; private set; }

    protected override async Task FillAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CollectionSpec> specs =
        [
            .. DemoDataset.Create(20_000, 3),
            new CollectionSpec { Name = "padded", Documents = 30_000, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000), Indexes = [Index("n_1", "n")] },
        ];
        await new DatasetWriter(SourceClient).WriteAllAsync(Database, specs, seed: 2026, progress: null, cancellationToken);
        Documents = specs.Sum(s => s.Documents);
    }

    private static RawDocument Index(string name, string field) =>
        new BsonBuilder().StartDocument().StartDocument("key").Int32(field, 1).End().String("name", name).End().ToDocument();
}
