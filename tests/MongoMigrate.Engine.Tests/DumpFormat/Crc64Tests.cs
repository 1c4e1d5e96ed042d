using System.Text;
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Tests.DumpFormat;

public class Crc64Tests
{
    [Fact]
    public void The_check_value_of_123456789_is_the_CRC_64_XZ_one() =>
        Assert.Equal(0x995DC9BBDF1939FAUL, Crc64.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Nothing_has_a_checksum_of_zero() => Assert.Equal(0UL, Crc64.Compute([]));

    [Fact]
    public void The_sliced_tables_agree_with_a_bit_at_a_time_reference_for_every_length_and_alignment()
    {
        var random = new Random(42);
        var data = new byte[300];
        random.NextBytes(data);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; length <= data.Length - start; length += 1 + (length / 16))
            {
                var span = data.AsSpan(start, length);
                Assert.Equal(Reference(span), Crc64.Compute(span));
            }
        }
    }

    [Fact]
    public void Carry_less_folding_agrees_with_the_tables_for_every_length_around_its_thresholds()
    {
        var random = new Random(3);
        var data = new byte[1 << 20];
        random.NextBytes(data);
        for (var length = 0; length <= 700; length++)
        {
            var start = random.Next(0, 16);
            var span = data.AsSpan(start, length);
            var seed = (ulong)random.NextInt64();
            Assert.Equal(Crc64.UpdateWithTablesOnly(seed, span), Crc64.Update(seed, span));
        }

        Assert.Equal(Crc64.UpdateWithTablesOnly(0, data), Crc64.Compute(data));
        Assert.Equal(Reference(data.AsSpan(5, 100_003)), Crc64.Compute(data.AsSpan(5, 100_003)));
    }

    [Fact]
    public void Appending_in_pieces_gives_the_checksum_of_the_whole()
    {
        var random = new Random(7);
        var data = new byte[10_000];
        random.NextBytes(data);
        var crc = new Crc64();
        var offset = 0;
        while (offset < data.Length)
        {
            var piece = Math.Min(random.Next(0, 700), data.Length - offset);
            crc.Append(data.AsSpan(offset, piece));
            offset += piece;
        }

        Assert.Equal(Crc64.Compute(data), crc.Value);
        Assert.Equal(unchecked((long)crc.Value), crc.ValueAsInt64);
    }

    private static ulong Reference(ReadOnlySpan<byte> data)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Crc64.Polynomial : crc >> 1;
            }
        }

        return ~crc;
    }
}
