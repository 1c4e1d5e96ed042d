using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>prelude.json of a directory dump: the server and tool versions that produced it.</summary>
public sealed record DumpPrelude(string ServerVersion, string ToolVersion)
{
    public const string FileName = "prelude.json";

    /// <summary>
    /// Who the dumped deployment is (a JSON object, written by mongomigrate; mongorestore ignores it). prelude.json is
    /// written last, so a dump that carries it is complete. Null in other dumps.
    /// </summary>
    public string? SourceDeployment { get; init; }

    /// <summary>Parses {"ServerVersion":"7.0.16","ToolVersion":"..."}; missing fields are empty.</summary>
    public static DumpPrelude Parse(ReadOnlySpan<byte> utf8Json, string sourceName)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DumpFormatException(sourceName, null, "prelude is not a JSON object");
            }

            var source = document.RootElement.TryGetProperty("SourceDeployment", out var deployment) && deployment.ValueKind == JsonValueKind.Object
                ? deployment.GetRawText()
                : null;
            return new DumpPrelude(ReadString(document.RootElement, "ServerVersion"), ReadString(document.RootElement, "ToolVersion")) { SourceDeployment = source };
        }
        catch (JsonException e)
        {
            throw new DumpFormatException(sourceName, e.BytePositionInLine, $"prelude is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The compact JSON mongodump writes.</summary>
    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("ServerVersion", ServerVersion);
            writer.WriteString("ToolVersion", ToolVersion);
            if (SourceDeployment is { } source)
            {
                writer.WritePropertyName("SourceDeployment");
                writer.WriteRawValue(source);
            }
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
}
