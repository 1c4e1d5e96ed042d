using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>
/// The layout of a spool record: a 4-byte body length, the body's CRC-32C, then the body (8-byte sequence
/// number, 1-byte kind, payload). All little-endian. The checksum covers the whole body, so a flipped byte
/// anywhere in it, or a record cut short by a crash, is seen on reading.
/// </summary>
internal static class SpoolRecordFormat
{
    public const int HeaderSize = 8;
    public const int BodyPrefixSize = 9;

    /// <summary>No record is larger: a change event is at most 16 MiB plus its envelope.</summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    public static void WriteHeader(Span<byte> header, long sequence, SpoolRecordKind kind, ReadOnlySpan<byte> payload, Span<byte> bodyPrefix)
    {
        BinaryPrimitives.WriteInt64LittleEndian(bodyPrefix, sequence);
        bodyPrefix[8] = (byte)kind;
        var crc = Checksum(Checksum(0, bodyPrefix[..BodyPrefixSize]), payload);
        BinaryPrimitives.WriteInt32LittleEndian(header, BodyPrefixSize + payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], crc);
    }

    /// <summary>CRC-32C (Castagnoli), with the processor's instruction where there is one.</summary>
    public static uint Checksum(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
