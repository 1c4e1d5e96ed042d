using System.Buffers.Binary;

namespace MongoMigrate.Engine.Dumps;

/// <summary>
/// CRC-64/XZ, the checksum mongodump puts in archive EOF blocks (Go's hash/crc64 with the ECMA table:
/// reflected polynomial 0xC96C5795D7870F42, initial value and final xor all ones).
/// </summary>
/// <remarks>
/// Slicing-by-8: eight lookup tables let the loop fold eight input bytes per step instead of one,
/// because this runs over every byte of every dump and archive.
/// </remarks>
public sealed class Crc64
{
    /// <summary>The reflected ECMA-182 polynomial.</summary>
    public const ulong Polynomial = 0xC96C5795D7870F42;

    private static readonly ulong[][] Tables = BuildTables();

    /// <summary>The checksum of everything appended so far (0 when nothing was).</summary>
    public ulong Value { get; private set; }

    /// <summary>The checksum as the int64 bit pattern that archive EOF blocks store.</summary>
    public long ValueAsInt64 => unchecked((long)Value);

    /// <summary>Adds bytes to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data) => Value = Update(Value, data);

    public void Reset() => Value = 0;

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data) => Update(0, data);

    /// <summary>Continues a finished checksum with more bytes, like Go's crc64.Update.</summary>
    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        var t0 = Tables[0];
        var t1 = Tables[1];
        var t2 = Tables[2];
        var t3 = Tables[3];
        var t4 = Tables[4];
        var t5 = Tables[5];
        var t6 = Tables[6];
        var t7 = Tables[7];

        while (data.Length >= 8)
        {
            state ^= BinaryPrimitives.ReadUInt64LittleEndian(data);
            state = t7[(byte)state]
                ^ t6[(byte)(state >> 8)]
                ^ t5[(byte)(state >> 16)]
                ^ t4[(byte)(state >> 24)]
                ^ t3[(byte)(state >> 32)]
                ^ t2[(byte)(state >> 40)]
                ^ t1[(byte)(state >> 48)]
                ^ t0[(byte)(state >> 56)];
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = t0[(byte)(state ^ b)] ^ (state >> 8);
        }

        return ~state;
    }

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        for (var k = 0; k < 8; k++)
        {
            tables[k] = new ulong[256];
        }

        for (var i = 0; i < 256; i++)
        {
            var crc = (ulong)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            tables[0][i] = crc;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++)
            {
                var previous = tables[k - 1][i];
                tables[k][i] = (previous >> 8) ^ tables[0][(byte)previous];
            }
        }

        return tables;
    }
}
