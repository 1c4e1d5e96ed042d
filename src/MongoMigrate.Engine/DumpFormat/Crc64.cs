using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// CRC-64/XZ, the checksum mongodump puts in archive EOF blocks (Go's hash/crc64 with the ECMA table:
/// reflected polynomial 0xC96C5795D7870F42, initial value and final xor all ones).
/// </summary>
/// <remarks>
/// This runs over every byte of every dump and archive, so it is fast: on x64 with PCLMULQDQ, carry-less
/// multiplication folds four 16-byte lanes at a time (Intel's "Fast CRC Computation for Generic Polynomials
/// Using PCLMULQDQ"), and the last 16 bytes and the tail go through slicing-by-8 tables, which are also the
/// whole algorithm elsewhere.
/// </remarks>
public sealed class Crc64
{
    /// <summary>The reflected ECMA-182 polynomial.</summary>
    public const ulong Polynomial = 0xC96C5795D7870F42;

    /// <summary>Below this many bytes the tables alone are quicker than setting up the folding.</summary>
    private const int FoldThreshold = 128;

    private static readonly ulong[][] Tables = BuildTables();

    private static readonly Vector128<ulong> Fold128 = FoldConstants(128);

    private static readonly Vector128<ulong> Fold512 = FoldConstants(512);

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
        if (data.Length >= FoldThreshold && Pclmulqdq.IsSupported && Sse2.IsSupported)
        {
            state = FoldWithClmul(state, ref data);
        }

        return ~UpdateWithTables(state, data);
    }

    /// <summary>The table-only path, kept reachable so tests can compare it with the folding one.</summary>
    internal static ulong UpdateWithTablesOnly(ulong crc, ReadOnlySpan<byte> data) => ~UpdateWithTables(~crc, data);

    /// <summary>
    /// Folds all whole 16-byte blocks but the last into a 128-bit remainder, then hands the remainder (as 16 bytes
    /// congruent to everything consumed) back to the tables together with the rest of the data.
    /// </summary>
    private static ulong FoldWithClmul(ulong state, ref ReadOnlySpan<byte> data)
    {
        var x0 = Load(data) ^ Vector128.Create(state, 0UL);
        var x1 = Load(data[16..]);
        var x2 = Load(data[32..]);
        var x3 = Load(data[48..]);
        data = data[64..];
        while (data.Length >= 64 + 16)
        {
            x0 = Fold(x0, Fold512) ^ Load(data);
            x1 = Fold(x1, Fold512) ^ Load(data[16..]);
            x2 = Fold(x2, Fold512) ^ Load(data[32..]);
            x3 = Fold(x3, Fold512) ^ Load(data[48..]);
            data = data[64..];
        }

        var x = Fold(Fold(Fold(x0, Fold128) ^ x1, Fold128) ^ x2, Fold128) ^ x3;
        while (data.Length >= 16 + 16)
        {
            x = Fold(x, Fold128) ^ Load(data);
            data = data[16..];
        }

        // The remainder's 16 bytes stand for everything folded so far, starting from a zero register.
        var remainder = UpdateWord(0, x.GetElement(0));
        return UpdateWord(remainder, x.GetElement(1));
    }

    private static Vector128<ulong> Load(ReadOnlySpan<byte> data) => Vector128.Create<byte>(data).AsUInt64();

    /// <summary>Moves a 128-bit remainder forward by the distance its constants were made for.</summary>
    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> constants) =>
        Pclmulqdq.CarrylessMultiply(x, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, constants, 0x11);

    /// <summary>
    /// Constants that move a 128-bit remainder forward by <paramref name="distance"/> bits: its low half (the
    /// earlier bytes) is multiplied by x^(distance+64) mod P and its high half by x^distance mod P, both taken
    /// one power lower because a carry-less product of reflected operands comes out one bit short.
    /// </summary>
    private static Vector128<ulong> FoldConstants(int distance) =>
        Vector128.Create(Reflected(XPowModP(distance + 63)), Reflected(XPowModP(distance - 1)));

    /// <summary>x^n mod P, in the normal (unreflected) bit order: bit i is the coefficient of x^i.</summary>
    private static ulong XPowModP(int n)
    {
        const ulong normalPolynomial = 0x42F0E1EBA9EA3693;
        var r = 1UL;
        for (var i = 0; i < n; i++)
        {
            r = (r & (1UL << 63)) != 0 ? (r << 1) ^ normalPolynomial : r << 1;
        }

        return r;
    }

    private static ulong Reflected(ulong value)
    {
        var result = 0UL;
        for (var i = 0; i < 64; i++)
        {
            result |= ((value >> i) & 1) << (63 - i);
        }

        return result;
    }

    private static ulong UpdateWithTables(ulong state, ReadOnlySpan<byte> data)
    {
        var t0 = Tables[0];
        while (data.Length >= 8)
        {
            state = UpdateWord(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = t0[(byte)(state ^ b)] ^ (state >> 8);
        }

        return state;
    }

    private static ulong UpdateWord(ulong state, ulong word)
    {
        state ^= word;
        return Tables[7][(byte)state]
            ^ Tables[6][(byte)(state >> 8)]
            ^ Tables[5][(byte)(state >> 16)]
            ^ Tables[4][(byte)(state >> 24)]
            ^ Tables[3][(byte)(state >> 32)]
            ^ Tables[2][(byte)(state >> 40)]
            ^ Tables[1][(byte)(state >> 48)]
            ^ Tables[0][(byte)(state >> 56)];
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
