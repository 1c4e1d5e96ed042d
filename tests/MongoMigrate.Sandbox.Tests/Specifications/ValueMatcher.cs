using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// The format's "Evaluating Matches" rules: root-level documents may carry extra fields, nested ones
/// may not; arrays match element by element; numbers compare by value across int, long and double;
/// and the $$ operators ($$exists, $$type, $$unsetOrMatches, $$matchesEntity, $$sessionLsid, $$lte,
/// $$matchesHexBytes, $$matchAsDocument, $$matchAsRoot).
/// </summary>
public sealed class ValueMatcher(EntityMap entities)
{
    private static readonly Dictionary<string, BsonType[]> TypeAliases = new(StringComparer.Ordinal)
    {
        ["double"] = [BsonType.Double],
        ["string"] = [BsonType.String],
        ["object"] = [BsonType.Document],
        ["array"] = [BsonType.Array],
        ["binData"] = [BsonType.Binary],
        ["undefined"] = [BsonType.Undefined],
        ["objectId"] = [BsonType.ObjectId],
        ["bool"] = [BsonType.Boolean],
        ["date"] = [BsonType.DateTime],
        ["null"] = [BsonType.Null],
        ["regex"] = [BsonType.RegularExpression],
        ["dbPointer"] = [],
        ["javascript"] = [BsonType.JavaScript],
        ["symbol"] = [BsonType.Symbol],
        ["javascriptWithScope"] = [BsonType.JavaScriptWithScope],
        ["int"] = [BsonType.Int32],
        ["timestamp"] = [BsonType.Timestamp],
        ["long"] = [BsonType.Int64],
        ["decimal"] = [BsonType.Decimal128],
        ["minKey"] = [BsonType.MinKey],
        ["maxKey"] = [BsonType.MaxKey],
        ["number"] = [BsonType.Int32, BsonType.Int64, BsonType.Double, BsonType.Decimal128],
    };

    /// <summary>Matches a value; <paramref name="actual"/> null means the value is absent (an operation with no result).</summary>
    public void Match(BsonValue expected, BsonValue? actual, bool isRoot, string path = "result")
    {
        if (TryGetOperator(expected, out var name, out var operand))
        {
            MatchOperator(name, operand, actual, isRoot, path);
            return;
        }

        if (actual is null)
        {
            throw Mismatch(path, expected, actual, "the value is absent");
        }

        switch (expected)
        {
            case BsonDocument expectedDocument:
                MatchDocument(expectedDocument, actual, isRoot, path);
                return;
            case BsonArray expectedArray:
                MatchArray(expectedArray, actual, elementsAreRoot: false, path);
                return;
            default:
                if (!ScalarsEqual(expected, actual))
                {
                    throw Mismatch(path, expected, actual, "values differ");
                }

                return;
        }
    }

    /// <summary>An iterable of documents (find, aggregate, listX): same count, each element matched as a root-level document.</summary>
    public void MatchArray(BsonArray expected, BsonValue actual, bool elementsAreRoot, string path)
    {
        if (actual is not BsonArray actualArray)
        {
            throw Mismatch(path, expected, actual, "expected an array");
        }

        if (actualArray.Count != expected.Count)
        {
            throw Mismatch(path, expected, actual, $"expected {expected.Count} elements, got {actualArray.Count}");
        }

        for (var i = 0; i < expected.Count; i++)
        {
            Match(expected[i], actualArray[i], elementsAreRoot, $"{path}[{i}]");
        }
    }

    /// <summary>Numbers by value (int, long and double alike; decimal only with decimal), everything else by type and value.</summary>
    public static bool ScalarsEqual(BsonValue expected, BsonValue actual)
    {
        if (IsFlexibleNumber(expected) && IsFlexibleNumber(actual))
        {
            return expected.BsonType == BsonType.Double || actual.BsonType == BsonType.Double
                ? expected.ToDouble().Equals(actual.ToDouble())
                : expected.ToInt64() == actual.ToInt64();
        }

        return expected.BsonType == actual.BsonType && expected.Equals(actual);
    }

    private static bool IsFlexibleNumber(BsonValue value) => value.BsonType is BsonType.Int32 or BsonType.Int64 or BsonType.Double;

    private static bool TryGetOperator(BsonValue expected, out string name, out BsonValue operand)
    {
        if (expected is BsonDocument { ElementCount: 1 } document && document.GetElement(0).Name.StartsWith("$$", StringComparison.Ordinal))
        {
            name = document.GetElement(0).Name;
            operand = document.GetElement(0).Value;
            return true;
        }

        name = string.Empty;
        operand = BsonNull.Value;
        return false;
    }

    private void MatchDocument(BsonDocument expected, BsonValue actual, bool isRoot, string path)
    {
        if (actual is not BsonDocument actualDocument)
        {
            throw Mismatch(path, expected, actual, "expected a document");
        }

        foreach (var element in expected)
        {
            var childPath = $"{path}.{element.Name}";
            var present = actualDocument.TryGetValue(element.Name, out var actualValue);
            if (TryGetOperator(element.Value, out var name, out var operand))
            {
                // $$unsetOrMatches: {$$exists: ...} holds when the field is absent or when it exists as asked.
                if (name == "$$unsetOrMatches" && TryGetOperator(operand, out var inner, out var innerOperand) && inner == "$$exists")
                {
                    if (present && !innerOperand.ToBoolean())
                    {
                        throw Mismatch(childPath, element.Value, actualValue, "the field should be absent");
                    }

                    continue;
                }

                if (name == "$$exists")
                {
                    if (present != operand.ToBoolean())
                    {
                        throw Mismatch(childPath, element.Value, present ? actualValue : null, present ? "the field should be absent" : "the field should be present");
                    }

                    continue;
                }

                MatchOperator(name, operand, present ? actualValue : null, isRoot: false, childPath);
                continue;
            }

            if (!present)
            {
                throw Mismatch(childPath, element.Value, null, "the field is missing");
            }

            Match(element.Value, actualValue, isRoot: false, childPath);
        }

        if (!isRoot)
        {
            var extra = actualDocument.Names.Where(n => !expected.Contains(n)).ToList();
            if (extra.Count > 0)
            {
                throw Mismatch(path, expected, actual, $"unexpected field(s) {string.Join(", ", extra)} in a nested document");
            }
        }
    }

    private void MatchOperator(string name, BsonValue operand, BsonValue? actual, bool isRoot, string path)
    {
        switch (name)
        {
            case "$$unsetOrMatches":
                if (actual is not null)
                {
                    Match(operand, actual, isRoot, path);
                }

                return;
            case "$$exists":
                throw new FormatException($"{path}: $$exists is only valid as the value of a field.");
            case "$$type":
                if (actual is null)
                {
                    throw Mismatch(path, operand, actual, "the value is absent");
                }

                var names = operand is BsonArray list ? list.Select(v => v.AsString).ToList() : [operand.AsString];
                if (!names.Any(n => TypeAliases.TryGetValue(n, out var types) ? types.Contains(actual.BsonType) : throw new FormatException($"$$type: unknown type '{n}'.")))
                {
                    throw Mismatch(path, operand, actual, $"type {actual.BsonType} is not one of {string.Join(", ", names)}");
                }

                return;
            case "$$matchesEntity":
                Match(entities.Value(operand.AsString), actual, isRoot, path);
                return;
            case "$$sessionLsid":
                var lsid = entities.Session(operand.AsString).ServerSession.Id;
                Match(lsid, actual, isRoot: false, path);
                return;
            case "$$lte":
                if (actual is null || !IsFlexibleNumber(actual) || actual.ToDouble() > operand.ToDouble())
                {
                    throw Mismatch(path, operand, actual, "expected a number less than or equal to it");
                }

                return;
            case "$$matchesHexBytes":
                var expectedBytes = Convert.FromHexString(operand.AsString);
                var actualBytes = actual switch
                {
                    BsonBinaryData binary => binary.Bytes,
                    BsonString text => Convert.FromHexString(text.Value),
                    _ => throw Mismatch(path, operand, actual, "expected bytes"),
                };
                if (!expectedBytes.SequenceEqual(actualBytes))
                {
                    throw Mismatch(path, operand, actual, "bytes differ");
                }

                return;
            case "$$matchAsDocument":
                if (actual is not BsonString json)
                {
                    throw Mismatch(path, operand, actual, "expected an extended JSON string");
                }

                Match(operand, BsonDocument.Parse(json.Value), isRoot: false, path);
                return;
            case "$$matchAsRoot":
                Match(operand, actual, isRoot: true, path);
                return;
            default:
                throw new UnsupportedSpecificationFeatureException($"special operator {name} is not supported by this runner.");
        }
    }

    private static SpecificationAssertionException Mismatch(string path, BsonValue expected, BsonValue? actual, string why) =>
        new($"{path}: {why}. Expected {Show(expected)}, actual {(actual is null ? "(absent)" : Show(actual))}.");

    private static string Show(BsonValue value)
    {
        var text = value.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });
        return text.Length > 800 ? text[..800] + "..." : text;
    }
}
