using System.Globalization;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>
/// A change stream resume token: {_data: hex}. It encodes the cluster time and the change log sequence
/// number of the last event seen (or the last position scanned), whether it is an invalidate
/// event's token, and which fragment of a split event it ends, so a stream resumes exactly after it.
/// Tokens sort as strings in event order, like the server's.
/// </summary>
internal readonly record struct ResumeToken(ulong ClusterTime, long Sequence, bool FromInvalidate = false, int? Fragment = null)
{
    private const string Prefix = "82";
    private const string InvalidateSuffix = "01";
    private const string FragmentSuffix = "02";

    public string Data => string.Create(
        CultureInfo.InvariantCulture,
        $"{Prefix}{ClusterTime:X16}{Sequence:X16}{(FromInvalidate ? InvalidateSuffix : string.Empty)}{(Fragment is { } f ? $"{FragmentSuffix}{f:X4}" : string.Empty)}");

    public RawDocument ToDocument() => new BsonBuilder().StartDocument().String("_data", Data).End().ToDocument();

    /// <summary>Reads a token the sandbox issued; anything else is refused with a clear error.</summary>
    public static ResumeToken Parse(RawBsonValue value)
    {
        if (value.Type == BsonTypeCode.Document
            && value.AsDocument.TryGetValue("_data", out var data)
            && data.Type == BsonTypeCode.String)
        {
            var text = data.AsString;
            var length = Prefix.Length + 32;
            var suffix = text.Length >= length ? text[length..] : null;
            int? fragment = suffix is { Length: 6 } && suffix.StartsWith(FragmentSuffix, StringComparison.Ordinal)
                && int.TryParse(suffix.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var f) ? f : null;
            if ((suffix is "" or InvalidateSuffix || fragment is not null)
                && text.StartsWith(Prefix, StringComparison.Ordinal)
                && ulong.TryParse(text.AsSpan(2, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var time)
                && long.TryParse(text.AsSpan(18, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var sequence))
            {
                return new ResumeToken(time, sequence, suffix == InvalidateSuffix, fragment);
            }
        }

        throw new CommandException(ServerErrorCode.BadValue, $"KeyString format error: resume token {BsonDebugText.Format(value)} was not issued by this server");
    }
}
