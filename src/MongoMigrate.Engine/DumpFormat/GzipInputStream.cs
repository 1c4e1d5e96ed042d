using System.IO.Compression;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// Decompresses a gzip file or stream, and turns damage into a <see cref="DumpFormatException"/> that says the input
/// is not valid gzip and at which offset of the compressed bytes (GZipStream only says "unsupported compression
/// method" or "corrupt data", without where).
/// </summary>
internal sealed class GzipInputStream : ReadOnlyStream
{
    // Compressed bytes are handed to the decompressor in pieces of at most this size, so that the offset of damaged
    // data is known to within one piece.
    private const int PieceSize = 4096;

    private readonly CompressedSide _compressed;
    private readonly GZipStream _gzip;
    private readonly string _sourceName;

    public GzipInputStream(Stream compressed, string sourceName, bool leaveOpen = false)
    {
        _compressed = new CompressedSide(compressed, leaveOpen);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress);
        _sourceName = sourceName;
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(e);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _gzip.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private DumpFormatException Damaged(InvalidDataException error)
    {
        var header = _compressed.Header;
        var (offset, reason) = header switch
        {
            { Length: < 2 } => (0L, "the gzip header is cut short"),
            [not 0x1F, ..] or [_, not 0x8B, ..] => (0L, $"it starts with {Convert.ToHexString(header[..2])}, not the gzip magic 1F8B"),
            { Length: < 3 } => (2L, "the gzip header is cut short"),
            [_, _, not 8, ..] => (2L, $"its compression method is {header[2]}, not deflate (8)"),
            [_, _, _, var flags, ..] when (flags & 0xE0) != 0 => (3L, $"its header flags 0x{flags:X2} have reserved bits set"),
            _ => (_compressed.LastPieceOffset, "the compressed data is damaged"),
        };
        return new DumpFormatException(_sourceName, offset, $"not valid gzip at offset {offset} of the compressed file: {reason}. The file is damaged: take the dump again", error);
    }

    /// <summary>The compressed input, read in small pieces whose offsets are remembered, with its first bytes kept.</summary>
    private sealed class CompressedSide(Stream inner, bool leaveOpen) : ReadOnlyStream
    {
        private readonly byte[] _header = new byte[10];
        private int _headerLength;
        private long _position;

        public byte[] Header => _header[.._headerLength];

        /// <summary>Where the last piece handed to the decompressor started.</summary>
        public long LastPieceOffset { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer[..Math.Min(buffer.Length, PieceSize)]);
            Record(buffer[..read]);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, PieceSize)], cancellationToken).ConfigureAwait(false);
            Record(buffer.Span[..read]);
            return read;
        }

        public override async ValueTask DisposeAsync()
        {
            if (!leaveOpen)
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Record(ReadOnlySpan<byte> piece)
        {
            if (_headerLength < _header.Length)
            {
                var take = Math.Min(piece.Length, _header.Length - _headerLength);
                piece[..take].CopyTo(_header.AsSpan(_headerLength));
                _headerLength += take;
            }

            LastPieceOffset = _position;
            _position += piece.Length;
        }
    }
}
