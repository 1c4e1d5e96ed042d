using System.Text.Json;
using MongoMigrate.Testing;

namespace MongoMigrate.Bson.Tests;

/// <summary>Reads the BSON corpus of MongoDB's specifications (valid and decode-error cases).</summary>
public static class BsonCorpus
{
    public static readonly string[] Files =
    [
        "array.json", "binary.json", "boolean.json", "code.json", "code_w_scope.json", "datetime.json",
        "dbpointer.json", "dbref.json", "decimal128-1.json", "decimal128-2.json", "decimal128-3.json",
        "decimal128-4.json", "decimal128-5.json", "document.json", "double.json", "int32.json", "int64.json",
        "maxkey.json", "minkey.json", "multi-type-deprecated.json", "multi-type.json", "null.json", "oid.json",
        "regex.json", "string.json", "symbol.json", "timestamp.json", "top.json", "undefined.json",
    ];

    public static TheoryData<string> FileNames => [.. Files];

    public static IReadOnlyList<Case> Valid(string file) => Read(file, "valid", "canonical_bson");

    public static IReadOnlyList<Case> Degenerate(string file) => Read(file, "valid", "degenerate_bson");

    public static IReadOnlyList<Case> DecodeErrors(string file) => Read(file, "decodeErrors", "bson");

    /// <summary>Every canonical valid document of every corpus file.</summary>
    public static IEnumerable<Case> AllValid() => Files.SelectMany(Valid);

    private static List<Case> Read(string file, string section, string field)
    {
        var path = FixturePaths.Require("specifications", "source", "bson-corpus", "tests", file);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var result = new List<Case>();
        if (!json.RootElement.TryGetProperty(section, out var cases))
        {
            return result;
        }

        foreach (var item in cases.EnumerateArray())
        {
            if (item.TryGetProperty(field, out var hex))
            {
                result.Add(new Case(file, item.GetProperty("description").GetString()!, Convert.FromHexString(hex.GetString()!)));
            }
        }

        return result;
    }

    public sealed record Case(string File, string Description, byte[] Bytes)
    {
        public override string ToString() => $"{File}: {Description}";
    }
}
