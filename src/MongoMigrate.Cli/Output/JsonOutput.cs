using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MongoMigrate.Cli.Output;

/// <summary>
/// The one writer of the CLI's JSON output (--json): each report is one object on one line, and the shapes several
/// reports share (an optional string, a list of lines, a status, a time, the rates of a run) are written the same way.
/// </summary>
internal static class JsonOutput
{
    /// <summary>The object <paramref name="write"/> writes, as one line; relaxed escaping leaves non-ASCII text and quotes readable.</summary>
    public static string ToLine(Action<Utf8JsonWriter> write, bool relaxedEscaping = false)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = relaxedEscaping ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null }))
        {
            write(json);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the object <paramref name="write"/> writes as one line of <paramref name="output"/>.</summary>
    public static Task WriteLineAsync(TextWriter output, Action<Utf8JsonWriter> write, bool relaxedEscaping = false) =>
        output.WriteLineAsync(ToLine(write, relaxedEscaping));

    /// <summary>A string field, left out when there is no value.</summary>
    public static void OptionalString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>An array of strings (index problems, notes), empty when there are none.</summary>
    public static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>A status as the reports name it: the enum's name in lower case.</summary>
    public static void Status<TStatus>(Utf8JsonWriter json, TStatus status)
        where TStatus : struct, Enum => json.WriteString("status", status.ToString().ToLowerInvariant());

    /// <summary>A moment as ISO 8601 text (round-trip format), null for none.</summary>
    public static string? Time(DateTimeOffset? at) => at?.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>How long a run took, in seconds to the millisecond.</summary>
    public static void ElapsedSeconds(Utf8JsonWriter json, TimeSpan elapsed) => json.WriteNumber("elapsedSeconds", Math.Round(elapsed.TotalSeconds, 3));

    /// <summary>A run's documents and bytes per second, to a tenth.</summary>
    public static void Rates(Utf8JsonWriter json, double documentsPerSecond, double bytesPerSecond)
    {
        json.WriteNumber("documentsPerSecond", Math.Round(documentsPerSecond, 1));
        json.WriteNumber("bytesPerSecond", Math.Round(bytesPerSecond, 1));
    }
}
