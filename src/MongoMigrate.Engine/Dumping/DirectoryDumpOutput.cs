using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Dumping;

/// <summary>
/// A mongodump directory: &lt;db&gt;/&lt;collection&gt;.bson and .metadata.json per collection, metadata only for views,
/// and prelude.json written last, so that a dump that stopped half way lacks it.
/// </summary>
internal sealed class DirectoryDumpOutput(DumpDirectoryWriter writer, DumpPrelude prelude) : DumpOutput
{
    public override bool IsAllOrNothing => false;

    public override DumpSink OpenCollection(NamespaceName ns, CollectionMetadata metadata) =>
        new DirectoryDumpSink(
            writer.CreateDataFile(ns.Database, ns.Collection),
            cancellationToken => writer.WriteMetadataAsync(ns.Database, ns.Collection, metadata, cancellationToken));

    public override Task WriteViewAsync(NamespaceName ns, CollectionMetadata metadata, CancellationToken cancellationToken) =>
        writer.WriteMetadataAsync(ns.Database, ns.Collection, metadata, cancellationToken);

    public override Task CompleteAsync(CancellationToken cancellationToken) => writer.WritePreludeAsync(prelude, null, cancellationToken);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
