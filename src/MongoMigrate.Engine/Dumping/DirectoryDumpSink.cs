
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Dumping;

/// <summary>A collection's .bson file in a directory dump; its metadata.json is written only once the data file is complete.</summary>
internal sealed class DirectoryDumpSink(BsonFileWriter file, Func<CancellationToken, Task> writeMetadata) : DumpSink(file.Path)
{
    private readonly Crc64 _crc = new();
    private bool _dataComplete;

    public override ulong Crc => _crc.Value;

    protected override ValueTask WriteAsync(ReadOnlyMemory<byte> document)
    {
        _crc.Append(document.Span);
        return file.WriteAsync(document, CancellationToken.None);
    }

    protected override async Task CompleteCoreAsync(CancellationToken cancellationToken)
    {
        // Data first, then metadata: a dump cut short never has a metadata file beside a missing or partial .bson.
        await file.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _dataComplete = true;
        await writeMetadata(cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask AbortAsync()
    {
        await file.DisposeAsync().ConfigureAwait(false);
        if (_dataComplete)
        {
            // Its metadata could not be written: without it the collection would restore without options or indexes.
            File.Delete(file.Path);
        }
    }
}
