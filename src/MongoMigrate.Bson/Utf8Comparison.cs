using System.Text;

namespace MongoMigrate.Bson;

/// <summary>Compares UTF-8 bytes with .NET strings without allocating.</summary>
public static class Utf8Comparison
{
    public static bool EqualsString(ReadOnlySpan<byte> utf8, string value)
    {
        // Fast path for ASCII names, which is nearly every field name.
        if (utf8.Length == value.Length)
        {
            var ascii = true;
            for (var i = 0; i < utf8.Length; i++)
            {
                var b = utf8[i];
                if (b >= 0x80)
                {
                    ascii = false;
                    break;
                }

                if (b != value[i])
                {
                    return false;
                }
            }

            if (ascii)
            {
                return true;
            }
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> buffer = max <= 256 ? stackalloc byte[max] : new byte[max];
        var written = Encoding.UTF8.GetBytes(value, buffer);
        return utf8.SequenceEqual(buffer[..written]);
    }

    /// <summary>Binary comparison of UTF-8 strings, which is MongoDB's order for strings without collation.</summary>
    public static int Compare(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => left.SequenceCompareTo(right);
}
