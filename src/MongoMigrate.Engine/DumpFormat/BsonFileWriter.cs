using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// Writes documents one after another to a .bson file (gzipped when asked). It writes to a temporary name and
/// renames on <see cref="CompleteAsync"/>, so a dump that stops half way leaves no file that looks complete.
/// </summary>
public sealed class BsonFileWriter : IAsyncDisposable
{
    private const int BufferSize = 1024 * 1024;

    private readonly string _temporaryPath;
    private readonly Stream _file;
    private readonly Stream _stream;
    private readonly bool _validate;
    private byte[] _buffer;
    private int _length;
    private bool _done;

    private BsonFileWriter(string path, bool gzip, CompressionLevel level, bool validate, Func<string, Stream>? openTemporary)
    {
        Path = path;
        _validate = validate;
        _temporaryPath = TemporaryPathFor(path);
        _file = openTemporary is null
            ? new FileStream(_temporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous)
            : openTemporary(_temporaryPath);
        _stream = gzip ? new GZipStream(_file, level, leaveOpen: true) : _file;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>The final path of the file.</summary>
    public string Path { get; }

    public long DocumentCount { get; private set; }

    /// <summary>Uncompressed bytes written.</summary>
    public long ByteCount { get; private set; }

    /// <summary>Creates the file (and its directory); gzip-compresses when <paramref name="gzip"/> is set.</summary>
    public static BsonFileWriter Create(string path, bool gzip = false, CompressionLevel level = CompressionLevel.Optimal, bool validateDocuments = false) =>
        Create(path, gzip, level, validateDocuments, null);

    /// <summary>As <see cref="Create(string, bool, CompressionLevel, bool)"/>, writing through a stream that <paramref name="openTemporary"/> opens on the temporary path (tests use it to fill a disk).</summary>
    internal static BsonFileWriter Create(string path, bool gzip, CompressionLevel level, bool validateDocuments, Func<string, Stream>? openTemporary)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return new BsonFileWriter(path, gzip, level, validateDocuments, openTemporary);
    }

    /// <summary>Appends one document, exactly as given.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var span = document.Span;
        if (span.Length < 5 || BinaryPrimitives.ReadInt32LittleEndian(span) != span.Length || span[^1] != 0)
        {
            throw new ArgumentException($"The {span.Length} bytes are not exactly one document.", nameof(document));
        }

        if (_validate)
        {
            BsonDocumentValidator.EnsureValid(span);
        }

        DocumentCount++;
        ByteCount += span.Length;
        if (span.Length > _buffer.Length - _length)
        {
            return FlushThenWriteAsync(document, cancellationToken);
        }

        span.CopyTo(_buffer.AsSpan(_length));
        _length += span.Length;
        return ValueTask.CompletedTask;
    }

    /// <summary>Flushes, closes and moves the file to its final name.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_stream != _file)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_file is FileStream file)
        {
            // On the disk before the rename: after a power cut, a file under its final name is complete.
            file.Flush(flushToDisk: true);
        }

        await _file.DisposeAsync().ConfigureAwait(false);
        File.Move(_temporaryPath, Path, overwrite: true);
        Release();
    }

    /// <summary>Without <see cref="CompleteAsync"/>, deletes the partial file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_done)
        {
            return;
        }

        Release();
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The partial file is deleted below; a failure to finish its gzip trailer does not matter.
        }

        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A full disk can refuse the last flush too; the partial file goes all the same.
        }

        File.Delete(_temporaryPath);
    }

    /// <summary>
    /// A short temporary name beside the final one: a long collection's file name already uses all 255 bytes a
    /// file system allows, so a suffix would not fit.
    /// </summary>
    internal static string TemporaryPathFor(string path) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", $".partial-{Guid.NewGuid():N}");

    private async ValueTask FlushThenWriteAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (document.Length > _buffer.Length)
        {
            await _stream.WriteAsync(document, cancellationToken).ConfigureAwait(false);
            return;
        }

        document.Span.CopyTo(_buffer);
        _length = document.Length;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length > 0)
        {
            await _stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
            _length = 0;
        }
    }

    private void Release()
    {
        _done = true;
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
