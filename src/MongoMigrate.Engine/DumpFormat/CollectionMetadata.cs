using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// What mongodump writes to &lt;collection&gt;.metadata.json (and to an archive's collection-metadata "metadata" string):
/// listCollections options, index specs, UUID, the real collection name and the collection type.
/// </summary>
public sealed class CollectionMetadata
{
    public const string ViewType = "view";
    public const string TimeSeriesType = "timeseries";
    public const string CollectionType = "collection";

    private static readonly JsonWriterOptions CompactJson = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>
    /// The most metadata text read: mongodump puts the same text in an archive as a string inside a document of at
    /// most 16 MiB, so no real metadata is larger, and anything larger would only fill memory.
    /// </summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The deepest nesting of objects and arrays read. MongoDB stores documents nested at most 180 levels deep by
    /// default (maxBSONDepth 200, less 20 for the server's own wrapping), and Extended JSON adds at most two levels
    /// ({"$date":{"$numberLong":...}}) and metadata.json three ({"options":{"validator":...}}): this leaves room
    /// above that, while the parser's recursion stays far from the end of the stack.
    /// </summary>
    public const int MaxDepth = 256;

    // The driver's writer stops at 100 levels by default; stored options may nest deeper (see MaxDepth).
    private static readonly BsonBinaryWriterSettings DeepWriter = new() { MaxSerializationDepth = MaxDepth };

    /// <summary>Metadata with no options and no indexes (what an empty metadata.json means).</summary>
    public static CollectionMetadata Empty { get; } = new();

    /// <summary>The listCollections options document ({} when there are none).</summary>
    public RawDocument Options { get; init; } = RawDocument.Empty;

    /// <summary>The index specs exactly as dumped (older tools include "ns"; key values keep their numeric types).</summary>
    public IReadOnlyList<RawDocument> Indexes { get; init; } = [];

    /// <summary>The collection UUID as 32 hex characters, when the dump recorded it.</summary>
    public string? Uuid { get; init; }

    /// <summary>The real collection name (needed when the file name is a shortened long name).</summary>
    public string? CollectionName { get; init; }

    /// <summary>"collection", "view", "timeseries", or null when the dump did not say.</summary>
    public string? Type { get; init; }

    /// <summary>A view: type "view", or options with viewOn (older dumps have no type).</summary>
    public bool IsView => Type == ViewType || (Type is null && Options.Contains("viewOn"));

    /// <summary>A time-series collection: type "timeseries", or options with timeseries.</summary>
    public bool IsTimeSeries => Type == TimeSeriesType || (Type is null && Options.Contains("timeseries"));

    /// <summary>Parses any generation of metadata.json; whitespace-only text is <see cref="Empty"/>.</summary>
    /// <param name="json">The metadata text.</param>
    /// <param name="sourceName">Names the file or namespace in errors.</param>
    public static CollectionMetadata Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), sourceName);
    }

    /// <summary>Parses UTF-8 metadata text (a leading byte-order mark is ignored).</summary>
    public static CollectionMetadata Parse(ReadOnlySpan<byte> utf8Json, string sourceName)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Empty;
        }

        if (utf8Json.Length > MaxBytes)
        {
            throw new DumpFormatException(sourceName, null, $"metadata of {utf8Json.Length} bytes is larger than the {MaxBytes} bytes (16 MiB) mongodump ever writes");
        }

        if (NestingTooDeep(utf8Json) is { } offset)
        {
            throw new DumpFormatException(sourceName, offset, $"metadata nests objects and arrays more than {MaxDepth} levels deep (at byte {offset}); mongodump never writes such metadata");
        }

        var document = ParseExtendedJson(utf8Json, sourceName);
        try
        {
            return FromDocument(document, sourceName);
        }
        catch (Exception e) when (e is not (DumpFormatException or OutOfMemoryException))
        {
            // For instance a field name with a NUL, which JSON allows and BSON cannot hold.
            throw new DumpFormatException(sourceName, null, $"metadata cannot be stored as BSON: {e.Message}", e);
        }
    }

    /// <summary>Canonical Extended JSON v2, compact, fields in mongodump's order; options omitted when empty.</summary>
    public string ToJson() => Encoding.UTF8.GetString(ToUtf8Json());

    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, CompactJson))
        {
            writer.WriteStartObject();
            if (!Options.IsEmpty)
            {
                writer.WritePropertyName("options");
                CanonicalExtendedJson.WriteDocument(writer, Options);
            }

            writer.WriteStartArray("indexes");
            foreach (var index in Indexes)
            {
                CanonicalExtendedJson.WriteDocument(writer, index);
            }

            writer.WriteEndArray();
            if (!string.IsNullOrEmpty(Uuid))
            {
                writer.WriteString("uuid", Uuid);
            }

            if (CollectionName is not null)
            {
                writer.WriteString("collectionName", CollectionName);
            }

            if (!string.IsNullOrEmpty(Type))
            {
                writer.WriteString("type", Type);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => ToJson();

    private static BsonDocument ParseExtendedJson(ReadOnlySpan<byte> utf8Json, string sourceName)
    {
        // Strict JSON first: it gives a line and byte position when the text is broken.
        JsonException? syntaxError = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 1024, CommentHandling = JsonCommentHandling.Skip });
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            syntaxError = e;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(utf8Json);
        }
        catch (DecoderFallbackException e)
        {
            throw new DumpFormatException(sourceName, e.Index, $"metadata is not valid UTF-8 (byte {e.Index})", e);
        }

        try
        {
            // MongoDB's reader also understands shell-mode forms (NumberLong(1), ObjectId("...")) that old tools may have written.
            return BsonDocument.Parse(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The text comes from outside: whatever MongoDB's reader throws on it (format, overflow, argument errors)
            // means the metadata is broken.
            if (syntaxError is not null)
            {
                var line = (syntaxError.LineNumber ?? 0) + 1;
                var column = (syntaxError.BytePositionInLine ?? 0) + 1;
                throw new DumpFormatException(sourceName, null, $"metadata is not valid JSON at line {line}, byte {column}: {FirstSentence(syntaxError.Message)}", syntaxError);
            }

            throw new DumpFormatException(sourceName, null, $"metadata is not valid Extended JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The offset where objects and arrays (and the shell's Function(...) forms) nest deeper than <see cref="MaxDepth"/>,
    /// or null. Counted without recursion, outside strings, before the recursive parser sees the text.
    /// </summary>
    private static int? NestingTooDeep(ReadOnlySpan<byte> utf8Json)
    {
        var depth = 0;
        var quote = (byte)0;
        for (var i = 0; i < utf8Json.Length; i++)
        {
            var b = utf8Json[i];
            if (quote != 0)
            {
                if (b == '\\')
                {
                    i++;
                }
                else if (b == quote)
                {
                    quote = 0;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"' or (byte)'\'':
                    quote = b;
                    break;
                case (byte)'{' or (byte)'[' or (byte)'(':
                    if (++depth > MaxDepth)
                    {
                        return i;
                    }

                    break;
                case (byte)'}' or (byte)']' or (byte)')':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }

    private static CollectionMetadata FromDocument(BsonDocument document, string sourceName)
    {
        var options = RawDocument.Empty;
        if (document.TryGetValue("options", out var optionsValue) && !optionsValue.IsBsonNull)
        {
            if (!optionsValue.IsBsonDocument)
            {
                throw Invalid(sourceName, $"\"options\" is a {optionsValue.BsonType}, not a document");
            }

            options = new RawDocument(optionsValue.AsBsonDocument.ToBson(writerSettings: DeepWriter));
        }

        var indexes = new List<RawDocument>();
        if (document.TryGetValue("indexes", out var indexesValue) && !indexesValue.IsBsonNull)
        {
            if (!indexesValue.IsBsonArray)
            {
                throw Invalid(sourceName, $"\"indexes\" is a {indexesValue.BsonType}, not an array");
            }

            var position = 0;
            foreach (var index in indexesValue.AsBsonArray)
            {
                if (!index.IsBsonDocument)
                {
                    throw Invalid(sourceName, $"indexes[{position}] is a {index.BsonType}, not a document");
                }

                var spec = index.AsBsonDocument;
                var name = spec.TryGetValue("name", out var n) && n.IsString ? n.AsString : null;
                var label = name is null ? $"indexes[{position}]" : $"indexes[{position}] ('{name}')";
                if (!spec.TryGetValue("key", out var key) || !key.IsBsonDocument)
                {
                    throw Invalid(sourceName, $"{label} has no \"key\" document");
                }

                if (key.AsBsonDocument.ElementCount == 0)
                {
                    throw Invalid(sourceName, $"{label} has an empty \"key\" document");
                }

                indexes.Add(new RawDocument(spec.ToBson(writerSettings: DeepWriter)));
                position++;
            }
        }

        return new CollectionMetadata
        {
            Options = options,
            Indexes = indexes,
            Uuid = OptionalString(document, "uuid", sourceName),
            CollectionName = OptionalString(document, "collectionName", sourceName),
            Type = OptionalString(document, "type", sourceName),
        };
    }

    private static string? OptionalString(BsonDocument document, string name, string sourceName)
    {
        if (!document.TryGetValue(name, out var value) || value.IsBsonNull)
        {
            return null;
        }

        return value.IsString ? value.AsString : throw Invalid(sourceName, $"\"{name}\" is a {value.BsonType}, not a string");
    }

    private static DumpFormatException Invalid(string sourceName, string problem) => new(sourceName, null, $"invalid metadata: {problem}");

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd(' ', '|', '.');
    }
}
