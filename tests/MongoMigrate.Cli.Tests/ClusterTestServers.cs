using MongoMigrate.Datasets;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// Two `mongomigrate sandbox` processes for the cluster's process test, the source filled once: the demo shop and
/// padded documents, about 150 chunks of 1 MB, enough that a job outlives a worker's death and another's arrival.
/// </summary>
public sealed class ClusterTestServers() : SandboxServers("none")
{
    public const string Database = "shop";

    /// <summary>The padded collection's documents: most of the data, left out by a test that wants a short job.</summary>
    public const int PaddedDocuments = 150_000;

    public long Documents { get; private set; }

    protected override async Task FillAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CollectionSpec> specs =
        [
            .. DemoDataset.Create(10_000, 3),
            new CollectionSpec { Name = "padded", Documents = PaddedDocuments, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000) },
        ];
        await new DatasetWriter(SourceClient).WriteAllAsync(Database, specs, seed: 2027, progress: null, cancellationToken);
        Documents = specs.Sum(s => s.Documents);
    }
}
