using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// $regex and /pattern/flags values: strings and symbols are searched with the pattern, and a stored regex
/// matches only a regex with the same pattern and flags. Flags i, m, s and x map to .NET options.
/// </summary>
internal sealed class RegexPredicate : ValuePredicate
{
    private readonly Regex _regex;
    private readonly byte[] _patternUtf8;
    private readonly byte[] _flagsUtf8;

    public RegexPredicate(string pattern, string flags)
    {
        if (pattern.Contains('\0', StringComparison.Ordinal))
        {
            throw new CommandException(ServerErrorCode.BadValue, "Regular expression cannot contain an embedded null byte");
        }

        Pattern = pattern;
        Flags = flags;
        _patternUtf8 = Encoding.UTF8.GetBytes(pattern);
        _flagsUtf8 = Encoding.UTF8.GetBytes(flags);
        _regex = Create(pattern, flags);
    }

    public string Pattern { get; }

    public string Flags { get; }

    public static RegexPredicate FromValue(RawBsonValue regex) => new(regex.RegexPattern, regex.RegexOptions);

    /// <summary>Builds the .NET regex for a MongoDB pattern and flags, or fails as the server does.</summary>
    public static Regex Create(string pattern, string flags) => MongoRegex.Create(pattern, flags);

    public override bool Matches(RawBsonValue value)
    {
        switch (value.Type)
        {
            case BsonTypeCode.String:
            case BsonTypeCode.Symbol:
                return IsMatch(_regex, value.AsUtf8String);
            case BsonTypeCode.RegularExpression:
                {
                    var span = value.Span;
                    var end = span.IndexOf((byte)0);
                    var rest = span[(end + 1)..];
                    return span[..end].SequenceEqual(_patternUtf8) && rest[..rest.IndexOf((byte)0)].SequenceEqual(_flagsUtf8);
                }

            default:
                return false;
        }
    }

    /// <summary>Matches UTF-8 text, decoding into a pooled buffer so a filter allocates nothing per document.</summary>
    public static bool IsMatch(Regex regex, ReadOnlySpan<byte> utf8)
    {
        var max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        char[]? rented = null;
        var buffer = max <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, buffer);
            return regex.IsMatch(buffer[..length]);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Regular expression /{regex}/ took too long to match");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Runs a match, turning a timeout into a command error instead of an unhandled exception.</summary>
    public static bool IsMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Regular expression /{regex}/ took too long to match");
        }
    }
}
