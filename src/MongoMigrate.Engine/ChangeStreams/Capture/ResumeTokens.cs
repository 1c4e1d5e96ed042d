using System.Globalization;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>Reads the cluster time a resume token starts with.</summary>
/// <remarks>
/// A token's _data is a hex KeyString whose first value is the event's cluster time: type byte 0x82
/// (timestamp) followed by the timestamp big-endian. Reading it tells how far a post-batch token has come
/// while no event arrives, which is what keeps the lag right on an idle source.
/// </remarks>
public static class ResumeTokens
{
    /// <summary>The token's cluster time, or null when the token is not in that form.</summary>
    public static ulong? ClusterTimeOf(RawDocument token)
    {
        if (!token.TryGetValue("_data", out var data) || data.Type != BsonTypeCode.String)
        {
            return null;
        }

        var text = data.AsString;
        if (text.Length < 18 || !text.StartsWith("82", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return ulong.TryParse(text.AsSpan(2, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var time) ? time : null;
    }

    /// <summary>The seconds part of a BSON timestamp.</summary>
    public static long Seconds(ulong clusterTime) => (long)(clusterTime >> 32);
}
