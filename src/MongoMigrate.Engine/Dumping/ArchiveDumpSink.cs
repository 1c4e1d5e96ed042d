using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Dumping;

/// <summary>A collection's namespace in an archive dump: its segments interleave with those of collections dumped at the same time.</summary>
internal sealed class ArchiveDumpSink(ArchiveNamespaceWriter writer) : DumpSink(writer.Namespace.FullName)
{
    public override ulong Crc => writer.Crc;

    protected override ValueTask WriteAsync(ReadOnlyMemory<byte> document) => writer.WriteAsync(document, CancellationToken.None);

    protected override Task CompleteCoreAsync(CancellationToken cancellationToken) => writer.CompleteAsync(cancellationToken);

    // The archive as a whole is abandoned (its file deleted) when a namespace cannot be completed.
    protected override ValueTask AbortAsync() => ValueTask.CompletedTask;
}
