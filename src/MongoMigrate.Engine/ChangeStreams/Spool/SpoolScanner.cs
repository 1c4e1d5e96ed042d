using System.Buffers.Binary;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>
/// Reads the records of one segment in order, checking each checksum. Only the bytes of one record are held
/// at a time. <see cref="SpoolReadResult.Torn"/> means the record at the position is incomplete or does not
/// match its checksum and nothing valid follows it: the tail a crash leaves, which the spool cuts off.
/// </summary>
internal sealed class SpoolScanner : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _header = new byte[SpoolRecordFormat.HeaderSize];

    public SpoolScanner(string path, int bufferBytes)
    {
        Path = path;
        _stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = bufferBytes,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
    }

    public string Path { get; }

    /// <summary>The offset of the next record.</summary>
    public long Offset { get; private set; }

    public void Seek(long offset)
    {
        _stream.Position = offset;
        Offset = offset;
    }

    /// <summary>Reads the record at <see cref="Offset"/> if it lies wholly before <paramref name="limit"/>; skips its payload when <paramref name="skipPayload"/>.</summary>
    public async ValueTask<(SpoolReadResult Result, SpoolRecord? Record)> ReadAsync(long limit, bool skipPayload, CancellationToken cancellationToken)
    {
        var available = limit - Offset;
        if (available == 0)
        {
            return (SpoolReadResult.End, null);
        }

        if (available < SpoolRecordFormat.HeaderSize + SpoolRecordFormat.BodyPrefixSize)
        {
            return (SpoolReadResult.Torn, null);
        }

        await _stream.ReadExactlyAsync(_header, cancellationToken).ConfigureAwait(false);
        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(_header);
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(4));
        if (bodyLength is < SpoolRecordFormat.BodyPrefixSize or > SpoolRecordFormat.MaxBodySize
            || SpoolRecordFormat.HeaderSize + (long)bodyLength > available)
        {
            _stream.Position = Offset;
            return (SpoolReadResult.Torn, null);
        }

        var body = GC.AllocateUninitializedArray<byte>(bodyLength);
        await _stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        if (SpoolRecordFormat.Checksum(0, body) != expected)
        {
            var isLast = Offset + SpoolRecordFormat.HeaderSize + bodyLength == limit;
            _stream.Position = Offset;
            return (isLast ? SpoolReadResult.Torn : SpoolReadResult.Corrupt, null);
        }

        var record = new SpoolRecord(
            BinaryPrimitives.ReadInt64LittleEndian(body),
            (SpoolRecordKind)body[8],
            skipPayload ? RawDocument.Empty : new RawDocument(body.AsMemory(SpoolRecordFormat.BodyPrefixSize)));
        Offset += SpoolRecordFormat.HeaderSize + bodyLength;
        return (SpoolReadResult.Record, record);
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>What reading at a position found.</summary>
internal enum SpoolReadResult
{
    Record,
    End,
    Torn,
    Corrupt,
}
