using System.Buffers;
using System.Buffers.Binary;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>
/// Writes one namespace's documents into an archive: documents collect in a segment buffer that goes to the
/// archive whole when full, and <see cref="CompleteAsync"/> ends the namespace with its CRC. One producer at a time.
/// </summary>
public sealed class ArchiveNamespaceWriter
{
    private readonly ArchiveWriter _archive;
    private readonly int _headerLength;
    private readonly int _maxSegmentBytes;
    private readonly int _maxSegmentDocuments;
    private readonly bool _validate;
    private byte[] _buffer;
    private int _length;
    private int _documentsInSegment;
    private GzipMember? _gzip;

    internal ArchiveNamespaceWriter(ArchiveWriter archive, ArchiveNamespace ns, string database, string dataCollection)
    {
        _archive = archive;
        Namespace = ns;
        Database = database;
        DataCollection = dataCollection;
        var options = archive.Options;
        _maxSegmentBytes = options.MaxSegmentBytes;
        _maxSegmentDocuments = options.MaxSegmentDocuments;
        _validate = options.ValidateDocuments;
        var header = ArchiveFormat.NamespaceHeader(database, dataCollection, eof: false, crc: 0);
        _headerLength = header.Length;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_maxSegmentBytes, 64 * 1024) + _headerLength + 4);
        header.CopyTo(_buffer, 0);
        _length = _headerLength;
    }

    public ArchiveNamespace Namespace { get; }

    public string Database { get; }

    /// <summary>The collection named in this namespace's segments.</summary>
    public string DataCollection { get; }

    public long DocumentCount { get; private set; }

    public long ByteCount { get; private set; }

    public int SegmentCount { get; private set; }

    /// <summary>CRC-64 of the documents written so far.</summary>
    public ulong Crc { get; private set; }

    public bool IsComplete { get; private set; }

    /// <summary>Adds a document (its exact bytes); the segment goes to the archive when it is full.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default)
    {
        if (IsComplete)
        {
            throw new InvalidOperationException($"Namespace {Namespace.FullName} is already complete.");
        }

        var span = document.Span;
        CheckDocument(span);
        if (_documentsInSegment > 0 && _length + span.Length + 4 > _headerLength + _maxSegmentBytes)
        {
            return FlushThenWriteAsync(document, cancellationToken);
        }

        Append(span);
        return _documentsInSegment >= _maxSegmentDocuments || _length - _headerLength >= _maxSegmentBytes
            ? FlushSegmentAsync(cancellationToken)
            : ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes what is left as a last segment (an empty one when the namespace had no documents, as mongodump
    /// does for empty collections and views), then the EOF block with the CRC.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (IsComplete)
        {
            return;
        }

        if (_documentsInSegment > 0 || SegmentCount == 0)
        {
            await FlushSegmentAsync(cancellationToken).ConfigureAwait(false);
        }

        var eof = ArchiveFormat.NamespaceHeader(Database, DataCollection, eof: true, crc: unchecked((long)Crc));
        var block = new byte[eof.Length + 4];
        eof.CopyTo(block, 0);
        ArchiveFormat.TerminatorBytes.CopyTo(block.AsSpan(eof.Length));
        await _archive.WriteBlockAsync(block, this, cancellationToken).ConfigureAwait(false);
        IsComplete = true;
        ReleaseBuffers();
    }

    internal ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> block)
    {
        _gzip ??= new GzipMember(_archive.Options.CompressionLevel);
        return _gzip.CompressToBuffer(block);
    }

    internal void ReleaseBuffers()
    {
        var buffer = _buffer;
        _buffer = [];
        _gzip = null;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask FlushThenWriteAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken)
    {
        await FlushSegmentAsync(cancellationToken).ConfigureAwait(false);
        Append(document.Span);
        if (_documentsInSegment >= _maxSegmentDocuments || _length - _headerLength >= _maxSegmentBytes)
        {
            await FlushSegmentAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FlushSegmentAsync(CancellationToken cancellationToken)
    {
        EnsureCapacity(4);
        ArchiveFormat.TerminatorBytes.CopyTo(_buffer.AsSpan(_length));
        await _archive.WriteBlockAsync(_buffer.AsMemory(0, _length + 4), this, cancellationToken).ConfigureAwait(false);
        SegmentCount++;
        _length = _headerLength;
        _documentsInSegment = 0;
    }

    private void Append(ReadOnlySpan<byte> document)
    {
        EnsureCapacity(document.Length + 4);
        document.CopyTo(_buffer.AsSpan(_length));
        _length += document.Length;
        _documentsInSegment++;
        DocumentCount++;
        ByteCount += document.Length;
        Crc = Crc64.Update(Crc, document);
    }

    private void EnsureCapacity(int extra)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void CheckDocument(ReadOnlySpan<byte> document)
    {
        if (document.Length < ArchiveFormat.MinDocumentSize || document.Length > ArchiveFormat.MaxDocumentSize)
        {
            throw new ArgumentException($"A document of {document.Length} bytes cannot go into an archive ({ArchiveFormat.MinDocumentSize}..{ArchiveFormat.MaxDocumentSize}).", nameof(document));
        }

        var declared = BinaryPrimitives.ReadInt32LittleEndian(document);
        if (declared != document.Length || document[^1] != 0)
        {
            throw new ArgumentException($"The bytes are not one document: it declares {declared} bytes in {document.Length}, last byte 0x{document[^1]:X2}.", nameof(document));
        }

        if (_validate)
        {
            BsonDocumentValidator.EnsureValid(document);
        }
    }
}
