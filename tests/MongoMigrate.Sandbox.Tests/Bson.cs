using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Tests;

/// <summary>Test helpers: build raw documents from shell-style JSON and show them back as canonical JSON.</summary>
internal static class Bson
{
    public static RawDocument Doc(string json) => new(BsonDocument.Parse(json).ToBson());

    public static RawDocument Raw(BsonDocument document) => new(document.ToBson());

    /// <summary>A single value, written as the JSON of a field value: Val("5"), Val("'x'"), Val("[1, 2]").</summary>
    public static RawBsonValue Val(string json)
    {
        var doc = Doc("{v: " + json + "}");
        return doc["v"];
    }

    public static List<RawDocument> Docs(params string[] json) => json.Select(Doc).ToList();

    /// <summary>Relaxed extended JSON for comparing results in assertions.</summary>
    public static string Json(RawDocument document)
    {
        using var stream = new MemoryStream(document.Span.ToArray());
        using var reader = new BsonBinaryReader(stream);
        var value = BsonSerializer.Deserialize<BsonDocument>(reader);
        return value.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.Shell });
    }

    public static string Json(RawBsonValue value)
    {
        if (value.IsMissing())
        {
            return "<missing>";
        }

        var builder = new BsonBuilder().StartDocument().Value("v", value).End();
        var json = Json(builder.ToDocument());
        return json[(json.IndexOf(':', StringComparison.Ordinal) + 2)..^2];
    }

    /// <summary>Normalizes expected JSON the same way results are shown, so tests can write shell JSON.</summary>
    public static string Norm(string json) => Json(Doc(json));

    public static CommandException Fails(Action action) => Assert.Throws<CommandException>(action);
}
