using System.IO.Compression;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>Compresses blocks as independent gzip members into a reused buffer.</summary>
internal sealed class GzipMember(CompressionLevel level)
{
    private readonly MemoryStream _buffer = new();

    public static byte[] Compress(ReadOnlyMemory<byte> block, CompressionLevel level)
    {
        var member = new GzipMember(level);
        return member.CompressToBuffer(block).ToArray();
    }

    /// <summary>The compressed member; valid until the next call.</summary>
    public ReadOnlyMemory<byte> CompressToBuffer(ReadOnlyMemory<byte> block)
    {
        _buffer.SetLength(0);
        using (var gzip = new GZipStream(_buffer, level, leaveOpen: true))
        {
            gzip.Write(block.Span);
        }

        return _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);
    }
}
