using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// Text and 2dsphere index specs as mongod 7.0 stores them (FTSSpec::fixSpec, S2 index version), so that an index
/// copied from a real server compares equal: a text key's fields become {_fts: "text", _ftsx: 1} where the first one
/// stood, weights hold every text field (1 unless given) sorted by name as int32, and default_language ("english"),
/// language_override ("language") and textIndexVersion (3) are kept where given or appended; a 2dsphere index gets
/// 2dsphereIndexVersion 3.
/// </summary>
internal static class SpecialIndexSpec
{
    private const int TextIndexVersion = 3;
    private const int SphereIndexVersion = 3;

    /// <summary>The key as stored and the option fields to store after v, key and name.</summary>
    public static (RawBsonValue Key, List<(string Name, RawBsonValue Value)> Options) Normalize(RawBsonValue key, RawDocument spec)
    {
        var options = new List<(string Name, RawBsonValue Value)>();
        foreach (var element in spec)
        {
            if (element.Name is not ("key" or "name" or "v" or "ns"))
            {
                options.Add((element.Name, element.Value));
            }
        }

        var keyDocument = key.AsDocument;
        var isText = false;
        var isSphere = false;
        foreach (var element in keyDocument)
        {
            isText |= element.Type == BsonTypeCode.String && element.Value.AsString == "text" || element.Name == "_fts";
            isSphere |= element.Type == BsonTypeCode.String && element.Value.AsString == "2dsphere";
        }

        if (isSphere)
        {
            SetOrAppend(options, "2dsphereIndexVersion", BsonValues.Int32(SphereIndexVersion));
        }

        if (!isText)
        {
            return (key, options);
        }

        var weights = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var normalized = new BsonBuilder(128).StartDocument();
        var added = false;
        foreach (var element in keyDocument)
        {
            if (element.Name is "_fts" or "_ftsx" || element.Type == BsonTypeCode.String && element.Value.AsString == "text")
            {
                if (element.Name is not ("_fts" or "_ftsx"))
                {
                    weights[element.Name] = 1;
                }

                if (!added)
                {
                    normalized.String("_fts", "text").Int32("_ftsx", 1);
                    added = true;
                }

                continue;
            }

            normalized.Element(element);
        }

        if (spec.TryGetValue("weights", out var given))
        {
            if (given.Type == BsonTypeCode.Document)
            {
                foreach (var weight in given.AsDocument)
                {
                    weights[weight.Name] = weight.Value.TryGetInt64(out var w) ? (int)w
                        : weight.Value.Type == BsonTypeCode.Double ? (int)weight.Value.AsDouble
                        : throw new CommandException(17283, "weight for text index needs numeric type");
                }
            }
            else if (given.Type == BsonTypeCode.String && given.AsString == "$**")
            {
                weights["$**"] = 1;
            }
            else
            {
                throw new CommandException(17284, "text index option 'weights' must be an object");
            }
        }

        var weightDocument = new BsonBuilder(64).StartDocument();
        foreach (var (field, weight) in weights)
        {
            weightDocument.Int32(field, weight);
        }

        SetOrAppend(options, "weights", weightDocument.End().ToDocument().AsValue());
        SetOrAppend(options, "default_language", Text(spec, "default_language", "english"));
        SetOrAppend(options, "language_override", Text(spec, "language_override", "language"));
        SetOrAppend(options, "textIndexVersion", BsonValues.Int32(TextIndexVersion));
        return (normalized.End().ToDocument().AsValue(), options);
    }

    private static RawBsonValue Text(RawDocument spec, string name, string fallback) =>
        spec.TryGetValue(name, out var value) ? value.Type == BsonTypeCode.String ? value : throw new CommandException(17263, $"{name} needs a string type") : BsonValues.String(fallback);

    private static void SetOrAppend(List<(string Name, RawBsonValue Value)> options, string name, RawBsonValue value)
    {
        var index = options.FindIndex(o => o.Name == name);
        if (index >= 0)
        {
            options[index] = (name, value);
        }
        else
        {
            options.Add((name, value));
        }
    }
}
