using System.Buffers.Binary;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// Reads BSON documents one after another from a stream (a .bson file, a gzip stream, an oplog file),
/// handing each one out as bytes in a reused buffer so that memory does not grow with the file.
/// </summary>
public sealed class BsonStreamReader : IAsyncDisposable, IDisposable
{
    private readonly Stream _stream;
    private readonly BsonStreamReaderOptions _options;
    private readonly StreamWindow _window;
    private bool _disposed;

    public BsonStreamReader(Stream stream, string sourceName, BsonStreamReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        SourceName = sourceName;
        _options = options ?? BsonStreamReaderOptions.Default;
        if (_options.MaxDocumentSize < 5)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDocumentSize must allow at least an empty document.");
        }

        _window = new StreamWindow(stream, sourceName, Math.Min(_options.BufferSize, _options.MaxDocumentSize), _options.MaxDocumentSize);
    }

    /// <summary>The name used in error messages, usually the file's path.</summary>
    public string SourceName { get; }

    /// <summary>The current document's bytes; valid only until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>The current document without copying; valid only until the next <see cref="ReadAsync"/>.</summary>
    public RawDocument CurrentDocument => new(Current);

    /// <summary>Offset of the current document in the (decompressed) stream.</summary>
    public long CurrentOffset { get; private set; }

    /// <summary>Documents read so far.</summary>
    public long DocumentCount { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _window.Position;

    /// <summary>
    /// Opens a .bson file (gunzipping it when the name ends in .gz) with a stream sized for sequential reads.
    /// The source name in errors is the path unless another is given.
    /// </summary>
    public static BsonStreamReader OpenFile(string path, BsonStreamReaderOptions? options = null, string? sourceName = null)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GzipInputStream(file, sourceName ?? path) : file;
        return new BsonStreamReader(stream, sourceName ?? path, (options ?? BsonStreamReaderOptions.Default) with { LeaveOpen = false });
    }

    /// <summary>A copy of the current document that outlives the next read.</summary>
    public byte[] CopyCurrent() => Current.ToArray();

    /// <summary>Moves to the next document; false at a clean end of the stream.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Current = default;

        // Fast path: the whole next document is already buffered.
        var span = _window.Span;
        if (span.Length >= 4)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span);
            if (length >= 5 && length <= _options.MaxDocumentSize && length <= span.Length)
            {
                Accept(length);
                return new ValueTask<bool>(true);
            }
        }

        return ReadSlowAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _window.Dispose();
        if (!_options.LeaveOpen)
        {
            _stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _window.Dispose();
        if (!_options.LeaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> ReadSlowAsync(CancellationToken cancellationToken)
    {
        var offset = _window.Position;
        var header = await _window.FillAsync(4, cancellationToken).ConfigureAwait(false);
        if (header == 0)
        {
            return false;
        }

        if (header < 4)
        {
            throw Error(offset, $"{header} trailing byte(s) at offset {offset} are too few for a document length");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(_window.Span);
        if (length < 5)
        {
            throw Error(offset, $"document at offset {offset} declares {length} bytes; a document needs at least 5{GzipHint(offset)}");
        }

        if (length > _options.MaxDocumentSize)
        {
            throw Error(offset, $"document at offset {offset} declares {length} bytes, more than the limit of {_options.MaxDocumentSize}{GzipHint(offset)}");
        }

        var available = await _window.FillAsync(length, cancellationToken).ConfigureAwait(false);
        if (available < length)
        {
            throw Error(offset, $"document at offset {offset} declares {length} bytes but only {available} remain{GzipHint(offset)}");
        }

        Accept(length);
        return true;
    }

    private void Accept(int length)
    {
        var offset = _window.Position;
        var document = _window.Peek(length);
        var span = document.Span;
        if (span[length - 1] != 0)
        {
            throw Error(offset, $"document at offset {offset} ({length} bytes) does not end with a 0x00 terminator");
        }

        if (_options.ValidateDocuments)
        {
            var problem = BsonDocumentValidator.Validate(span, _options.CheckUtf8, BsonDocumentValidator.DefaultMaxDepth, offset);
            if (problem is not null)
            {
                throw Error(problem.Offset, $"document at offset {offset} is not valid BSON: {problem.Reason} at offset {problem.Offset}", problem);
            }
        }

        _window.Advance(length);
        Current = document;
        CurrentOffset = offset;
        DocumentCount++;
    }

    private string GzipHint(long offset) =>
        offset == 0 && _window.Span is [0x1F, 0x8B, ..] ? " (the data starts like gzip: 1F 8B; is it a .gz file read as plain BSON?)" : string.Empty;

    private DumpFormatException Error(long offset, string reason, Exception? inner = null) => new(SourceName, offset, reason, inner);
}
