using System.Collections.Frozen;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

/// <summary>The $type argument: numeric type codes and the server's string aliases, including "number".</summary>
internal static class TypeAliases
{
    private static readonly FrozenDictionary<string, BsonTypeCode> Aliases = new Dictionary<string, BsonTypeCode>(StringComparer.Ordinal)
    {
        ["double"] = BsonTypeCode.Double,
        ["string"] = BsonTypeCode.String,
        ["object"] = BsonTypeCode.Document,
        ["array"] = BsonTypeCode.Array,
        ["binData"] = BsonTypeCode.Binary,
        ["undefined"] = BsonTypeCode.Undefined,
        ["objectId"] = BsonTypeCode.ObjectId,
        ["bool"] = BsonTypeCode.Boolean,
        ["date"] = BsonTypeCode.DateTime,
        ["null"] = BsonTypeCode.Null,
        ["regex"] = BsonTypeCode.RegularExpression,
        ["dbPointer"] = BsonTypeCode.DbPointer,
        ["javascript"] = BsonTypeCode.JavaScript,
        ["symbol"] = BsonTypeCode.Symbol,
        ["javascriptWithScope"] = BsonTypeCode.JavaScriptWithScope,
        ["int"] = BsonTypeCode.Int32,
        ["timestamp"] = BsonTypeCode.Timestamp,
        ["long"] = BsonTypeCode.Int64,
        ["decimal"] = BsonTypeCode.Decimal128,
        ["minKey"] = BsonTypeCode.MinKey,
        ["maxKey"] = BsonTypeCode.MaxKey,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly BsonTypeCode[] NumberTypes =
        [BsonTypeCode.Double, BsonTypeCode.Int32, BsonTypeCode.Int64, BsonTypeCode.Decimal128];

    /// <summary>Parses a $type argument (one value or an array of them) into the set of types it names.</summary>
    public static HashSet<BsonTypeCode> Parse(RawBsonValue argument)
    {
        var types = new HashSet<BsonTypeCode>();
        if (argument.Type == BsonTypeCode.Array)
        {
            foreach (var element in argument.AsDocument)
            {
                AddOne(element.Value, types);
            }

            if (types.Count == 0)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, "$type must match at least one type");
            }
        }
        else
        {
            AddOne(argument, types);
        }

        return types;
    }

    private static void AddOne(RawBsonValue value, HashSet<BsonTypeCode> types)
    {
        if (value.Type == BsonTypeCode.String)
        {
            var name = value.AsString;
            if (name == "number")
            {
                types.UnionWith(NumberTypes);
                return;
            }

            if (!Aliases.TryGetValue(name, out var code))
            {
                throw new CommandException(ServerErrorCode.BadValue, $"Unknown type name alias: {name}");
            }

            types.Add(code);
            return;
        }

        if (!value.IsNumeric)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, "type must be represented as a number or a string");
        }

        if (!value.TryGetInt64(out var number) || !IsValidCode(number))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Invalid numerical type code: {BsonDebugText.Format(value)}");
        }

        types.Add((BsonTypeCode)(byte)(sbyte)number);
    }

    private static bool IsValidCode(long code) => code is >= 1 and <= 19 || code == -1 || code == 127;
}
