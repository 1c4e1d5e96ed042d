using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// How mongodump turns a collection name into a file name: Go's url.QueryEscape, and for names whose
/// escaped form is too long for a file system, a truncated prefix plus a hash of the real name.
/// </summary>
public static class CollectionNameEscaping
{
    /// <summary>Escaped names longer than this are shortened (255 bytes minus the longest suffix, ".metadata.json.gz").</summary>
    public const int MaxEscapedLength = 238;

    /// <summary>How much of the escaped name a shortened file name keeps.</summary>
    public const int TruncatedPrefixLength = 208;

    /// <summary>The escaped "$" that separates the kept prefix from the hash.</summary>
    public const string TruncationDelimiter = "%24";

    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~");

    /// <summary>Go's url.QueryEscape: unreserved characters stay, space becomes '+', every other UTF-8 byte becomes %XX.</summary>
    public static string Escape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.AsSpan().ContainsAnyExcept(Unreserved))
        {
            return name;
        }

        var utf8 = Encoding.UTF8.GetBytes(name);
        var builder = new StringBuilder(utf8.Length * 3);
        foreach (var b in utf8)
        {
            if (b < 0x80 && Unreserved.Contains((char)b))
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    /// <summary>Go's url.QueryUnescape: '+' is a space and %XX a byte; a '%' without two hex digits is an error.</summary>
    public static bool TryUnescape(string escaped, out string name)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (escaped.AsSpan().IndexOfAny('%', '+') < 0)
        {
            name = escaped;
            return true;
        }

        var bytes = new List<byte>(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= escaped.Length || !IsHex(escaped[i + 1]) || !IsHex(escaped[i + 2]))
                {
                    name = string.Empty;
                    return false;
                }

                bytes.Add((byte)((HexValue(escaped[i + 1]) << 4) | HexValue(escaped[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        name = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    /// <summary>Like <see cref="TryUnescape"/>, throwing <see cref="FormatException"/> on a bad escape.</summary>
    public static string Unescape(string escaped) =>
        TryUnescape(escaped, out var name) ? name : throw new FormatException($"'{escaped}' has a '%' that is not followed by two hex digits.");

    /// <summary>
    /// The file name of a collection without its extension, as mongodump writes it: the escaped name, or when that
    /// is longer than 238 bytes its first 208 bytes + "%24" + unpadded base64url of SHA-1 of the raw name.
    /// </summary>
    public static string FileStem(string collectionName)
    {
        var escaped = Escape(collectionName);
        if (escaped.Length <= MaxEscapedLength)
        {
            return escaped;
        }

        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(collectionName));
        var base64 = Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return string.Concat(escaped.AsSpan(0, TruncatedPrefixLength), TruncationDelimiter, base64);
    }

    /// <summary>
    /// True when a file stem is a shortened long name (mongorestore's test: it contains "%24" and is exactly 238 bytes),
    /// so the real name has to come from the metadata's collectionName.
    /// </summary>
    public static bool IsTruncatedStem(string stem) =>
        stem.Length == MaxEscapedLength && stem.Contains(TruncationDelimiter, StringComparison.Ordinal);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
