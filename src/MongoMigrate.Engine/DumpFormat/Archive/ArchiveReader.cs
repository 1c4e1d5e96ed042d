using System.Buffers.Binary;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>
/// Reads a mongodump archive (plain or gzipped, detected from its first bytes) as one sequential stream:
/// the prelude at open, then documents and namespace ends in stream order, however segments interleave.
/// Every length, terminator, namespace and CRC is checked; a broken archive is a <see cref="DumpFormatException"/>.
/// </summary>
public sealed class ArchiveReader : IAsyncDisposable, IDisposable
{
    private readonly Stream _stream;
    private readonly StreamWindow _window;
    private readonly ArchiveReaderOptions _options;
    private readonly Dictionary<(string, string), Entry> _byDataNamespace;
    private readonly Dictionary<ArchiveNamespace, Entry> _byNamespace;
    private Entry? _segment;
    private bool _finished;
    private bool _disposed;

    private ArchiveReader(Stream stream, StreamWindow window, string sourceName, bool isGzip, ArchiveReaderOptions options, ArchiveHeader header, List<ArchiveNamespace> namespaces)
    {
        _stream = stream;
        _window = window;
        _options = options;
        SourceName = sourceName;
        IsGzip = isGzip;
        Header = header;
        Namespaces = namespaces;
        _byNamespace = [];
        _byDataNamespace = [];
        foreach (var ns in namespaces)
        {
            var entry = new Entry(ns);
            _byNamespace.Add(ns, entry);
            if (!_byDataNamespace.TryAdd((ns.Database, ns.Collection), entry))
            {
                throw new DumpFormatException(sourceName, null, $"the prelude lists namespace {ns.FullName} twice");
            }

            // Servers before 8.3 dump time-series data from the buckets collection, later ones under the name itself.
            if (ns.IsTimeSeries)
            {
                _byDataNamespace.TryAdd((ns.Database, TimeSeriesBuckets.Prefix + ns.Collection), entry);
            }
        }
    }

    public string SourceName { get; }

    /// <summary>The input was gzip-compressed (offsets in errors are then positions in the decompressed stream).</summary>
    public bool IsGzip { get; }

    public ArchiveHeader Header { get; }

    /// <summary>The prelude's namespaces, in archive order, with their parsed metadata.</summary>
    public IReadOnlyList<ArchiveNamespace> Namespaces { get; }

    public ArchiveRecordKind Kind { get; private set; }

    /// <summary>The namespace of the current record.</summary>
    public ArchiveNamespace? Namespace { get; private set; }

    /// <summary>The current document's bytes; valid only until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Document { get; private set; }

    /// <summary>Offset of the current document in the (decompressed) archive.</summary>
    public long DocumentOffset { get; private set; }

    /// <summary>Bytes of the (decompressed) archive consumed so far.</summary>
    public long Position => _window.Position;

    /// <summary>Opens an archive and reads its prelude; gzip is detected from the magic bytes 1F 8B.</summary>
    public static async Task<ArchiveReader> OpenAsync(Stream input, string sourceName, ArchiveReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= ArchiveReaderOptions.Default;
        var prefix = await PrefixedStream.ReadPrefixAsync(input, 4, cancellationToken).ConfigureAwait(false);
        var isGzip = ArchiveFormat.LooksGzipped(prefix);
        if (!isGzip && !prefix.AsSpan().SequenceEqual(ArchiveFormat.MagicBytes))
        {
            if (!options.LeaveOpen)
            {
                await input.DisposeAsync().ConfigureAwait(false);
            }

            var start = prefix.Length == 0 ? "nothing (the input is empty)" : Convert.ToHexString(prefix);
            throw new DumpFormatException(sourceName, 0, $"not a mongodump archive: it starts with {start}, neither the archive magic 6DE29981 nor gzip's 1F8B");
        }

        Stream stream = new PrefixedStream(prefix, input, options.LeaveOpen);
        if (isGzip)
        {
            stream = new GzipInputStream(stream, sourceName);
        }

        var window = new StreamWindow(stream, sourceName, options.BufferSize, ArchiveFormat.MaxDocumentSize);
        try
        {
            var (header, namespaces) = await ReadPreludeAsync(window, sourceName, isGzip, cancellationToken).ConfigureAwait(false);
            return new ArchiveReader(stream, window, sourceName, isGzip, options, header, namespaces);
        }
        catch
        {
            window.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens an archive file; the source name in errors is the path.</summary>
    public static Task<ArchiveReader> OpenFileAsync(string path, ArchiveReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return OpenAsync(file, path, (options ?? ArchiveReaderOptions.Default) with { LeaveOpen = false }, cancellationToken);
    }

    /// <summary>What has been read of a namespace so far.</summary>
    public ArchiveNamespaceStatistics GetStatistics(ArchiveNamespace ns) => _byNamespace[ns].Statistics;

    /// <summary>Moves to the next document or namespace end; false at the end of a complete archive.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Document = default;
        if (_segment is not null)
        {
            // Fast path: the next document of the current segment is already buffered.
            var span = _window.Span;
            if (span.Length >= 4)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(span);
                if (length >= ArchiveFormat.MinDocumentSize && length <= ArchiveFormat.MaxDocumentSize && length <= span.Length)
                {
                    AcceptDocument(_segment, length);
                    return new ValueTask<bool>(true);
                }
            }
        }

        return _finished ? new ValueTask<bool>(false) : ReadSlowAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _window.Dispose();
            _stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _window.Dispose();
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<(ArchiveHeader, List<ArchiveNamespace>)> ReadPreludeAsync(StreamWindow window, string sourceName, bool isGzip, CancellationToken cancellationToken)
    {
        if (await window.FillAsync(4, cancellationToken).ConfigureAwait(false) < 4 || !window.Span[..4].SequenceEqual(ArchiveFormat.MagicBytes))
        {
            var what = isGzip ? "the gzip stream does not hold a mongodump archive" : "not a mongodump archive";
            throw new DumpFormatException(sourceName, 0, $"{what}: the archive magic 6DE29981 is missing at offset 0");
        }

        window.Advance(4);
        var headerOffset = window.Position;
        var headerLength = await ReadLengthAsync(window, sourceName, "the archive header", cancellationToken).ConfigureAwait(false);
        if (headerLength == ArchiveFormat.Terminator)
        {
            throw new DumpFormatException(sourceName, headerOffset, $"the archive header is missing: a terminator follows the magic at offset {headerOffset}");
        }

        var headerDocument = await ReadBlockDocumentAsync(window, sourceName, headerLength, "the archive header", cancellationToken).ConfigureAwait(false);
        var header = ArchiveBlockParser.ParseHeader(headerDocument, reason => new DumpFormatException(sourceName, headerOffset, $"{reason} (at offset {headerOffset})"));

        var namespaces = new List<ArchiveNamespace>();
        while (true)
        {
            var offset = window.Position;
            var length = await ReadLengthAsync(window, sourceName, "the prelude", cancellationToken).ConfigureAwait(false);
            if (length == ArchiveFormat.Terminator)
            {
                window.Advance(4);
                return (header, namespaces);
            }

            var document = await ReadBlockDocumentAsync(window, sourceName, length, "collection metadata", cancellationToken).ConfigureAwait(false);
            namespaces.Add(ArchiveBlockParser.ParseCollectionMetadata(document, sourceName, offset));
        }
    }

    /// <summary>Reads the next int32 (without consuming it): a document length in 5..16 MiB or the terminator.</summary>
    private static async ValueTask<int> ReadLengthAsync(StreamWindow window, string sourceName, string where, CancellationToken cancellationToken)
    {
        var offset = window.Position;
        var available = await window.FillAsync(4, cancellationToken).ConfigureAwait(false);
        if (available < 4)
        {
            throw new DumpFormatException(sourceName, offset, available == 0
                ? $"the archive ends at offset {offset} inside {where}"
                : $"the archive ends at offset {offset} with {available} stray byte(s) inside {where}");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(window.Span);
        if (length != ArchiveFormat.Terminator && !ArchiveFormat.IsValidLength(length))
        {
            throw new DumpFormatException(sourceName, offset, $"{length} at offset {offset} in {where} is neither a BSON length ({ArchiveFormat.MinDocumentSize}..{ArchiveFormat.MaxDocumentSize}) nor the terminator");
        }

        return length;
    }

    /// <summary>Reads a small framing document and validates it fully, so decoding it cannot go wrong.</summary>
    private static async ValueTask<RawDocument> ReadBlockDocumentAsync(StreamWindow window, string sourceName, int length, string what, CancellationToken cancellationToken)
    {
        var offset = window.Position;
        var available = await window.FillAsync(length, cancellationToken).ConfigureAwait(false);
        if (available < length)
        {
            throw new DumpFormatException(sourceName, offset, $"{what} at offset {offset} declares {length} bytes but only {available} remain");
        }

        var problem = BsonDocumentValidator.Validate(window.Span[..length], baseOffset: offset);
        if (problem is not null)
        {
            throw new DumpFormatException(sourceName, offset, $"{what} at offset {offset} is not valid BSON: {problem.Reason} at offset {problem.Offset}", problem);
        }

        var copy = window.Span[..length].ToArray();
        window.Advance(length);
        return new RawDocument(copy);
    }

    private async ValueTask<bool> ReadSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var offset = _window.Position;
            if (_segment is null)
            {
                if (await _window.FillAsync(4, cancellationToken).ConfigureAwait(false) == 0)
                {
                    Finish(offset);
                    return false;
                }

                var length = await ReadLengthAsync(_window, SourceName, "the namespace blocks", cancellationToken).ConfigureAwait(false);
                if (length == ArchiveFormat.Terminator)
                {
                    throw Error(offset, $"two terminators in a row at offset {offset}: a block must start with a namespace header");
                }

                var header = await ReadBlockDocumentAsync(_window, SourceName, length, "a namespace header", cancellationToken).ConfigureAwait(false);
                var (database, collection, eof, crc) = ArchiveBlockParser.ParseNamespaceHeader(header, reason => Error(offset, $"{reason} (at offset {offset})"));
                if (!_byDataNamespace.TryGetValue((database, collection), out var entry))
                {
                    throw Error(offset, $"the block at offset {offset} is for namespace {database}.{collection}, which the prelude does not list");
                }

                if (entry.Statistics.IsComplete)
                {
                    throw Error(offset, $"the block at offset {offset} is for namespace {database}.{collection}, whose EOF block came earlier");
                }

                if (!eof)
                {
                    entry.Statistics.SegmentCount++;
                    entry.Statistics.DataCollection ??= collection;
                    _segment = entry;
                    continue;
                }

                var terminatorOffset = _window.Position;
                if (await ReadLengthAsync(_window, SourceName, $"the EOF block of {entry.Namespace.FullName}", cancellationToken).ConfigureAwait(false) != ArchiveFormat.Terminator)
                {
                    throw Error(terminatorOffset, $"the EOF block of {entry.Namespace.FullName} is followed by a document at offset {terminatorOffset} instead of the terminator");
                }

                _window.Advance(4);
                if (entry.Statistics.Crc != unchecked((ulong)crc))
                {
                    throw Error(offset, $"CRC mismatch for namespace {entry.Namespace.FullName}: the EOF block at offset {offset} says {crc} but the {entry.Statistics.DocumentCount} documents give {unchecked((long)entry.Statistics.Crc)}");
                }

                entry.Statistics.IsComplete = true;
                Kind = ArchiveRecordKind.NamespaceEnd;
                Namespace = entry.Namespace;
                return true;
            }

            var segment = _segment;
            var next = await _window.FillAsync(4, cancellationToken).ConfigureAwait(false);
            if (next == 0)
            {
                throw Error(offset, $"the archive ends at offset {offset} inside a segment of {segment.Namespace.FullName}");
            }

            var documentLength = await ReadLengthAsync(_window, SourceName, $"a segment of {segment.Namespace.FullName}", cancellationToken).ConfigureAwait(false);
            if (documentLength == ArchiveFormat.Terminator)
            {
                _window.Advance(4);
                _segment = null;
                continue;
            }

            var available = await _window.FillAsync(documentLength, cancellationToken).ConfigureAwait(false);
            if (available < documentLength)
            {
                throw Error(offset, $"document of {segment.Namespace.FullName} at offset {offset} declares {documentLength} bytes but only {available} remain");
            }

            AcceptDocument(segment, documentLength);
            return true;
        }
    }

    private void AcceptDocument(Entry entry, int length)
    {
        var offset = _window.Position;
        var document = _window.Peek(length);
        var span = document.Span;
        if (span[length - 1] != 0)
        {
            throw Error(offset, $"document of {entry.Namespace.FullName} at offset {offset} ({length} bytes) does not end with a 0x00 terminator");
        }

        if (_options.ValidateDocuments)
        {
            var problem = BsonDocumentValidator.Validate(span, _options.CheckUtf8, BsonDocumentValidator.DefaultMaxDepth, offset);
            if (problem is not null)
            {
                throw Error(problem.Offset, $"document of {entry.Namespace.FullName} at offset {offset} is not valid BSON: {problem.Reason} at offset {problem.Offset}", problem);
            }
        }

        _window.Advance(length);
        var statistics = entry.Statistics;
        statistics.Crc = Crc64.Update(statistics.Crc, span);
        statistics.DocumentCount++;
        statistics.ByteCount += length;
        Kind = ArchiveRecordKind.Document;
        Namespace = entry.Namespace;
        Document = document;
        DocumentOffset = offset;
    }

    private void Finish(long offset)
    {
        foreach (var entry in _byNamespace.Values)
        {
            var statistics = entry.Statistics;
            if (statistics.SegmentCount > 0 && !statistics.IsComplete)
            {
                throw Error(offset, $"the archive ends at offset {offset} before the EOF block of namespace {entry.Namespace.FullName}");
            }

            // Like mongorestore: every listed namespace must appear (views as an empty segment), except
            // time-series, whose data namespace differs by server version.
            if (!statistics.IsComplete && !entry.Namespace.IsTimeSeries)
            {
                throw Error(offset, $"the archive ends at offset {offset} before namespace {entry.Namespace.FullName} appeared");
            }
        }

        _finished = true;
    }

    private DumpFormatException Error(long offset, string reason, Exception? inner = null) =>
        new(SourceName, offset, IsGzip ? reason + " (offsets are in the decompressed stream)" : reason, inner);

    private sealed class Entry(ArchiveNamespace ns)
    {
        public ArchiveNamespace Namespace { get; } = ns;

        public ArchiveNamespaceStatistics Statistics { get; } = new();
    }
}
