using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>The operators of one field ({$gt: 1, $in: [...], $elemMatch: {...}}) and their arguments.</summary>
internal static class FieldOperatorParser
{
    /// <summary>Parses the operators of one field ({$gt: 1, $lt: 5}).</summary>
    public static ValueCondition ParseOperators(RawDocument operators, int depth)
    {
        var conditions = new List<ValueCondition>();
        RawBsonValue regex = default;
        RawBsonValue options = default;
        foreach (var element in operators)
        {
            var name = element.Name;
            var value = element.Value;
            switch (name)
            {
                case "$eq":
                    conditions.Add(Leaf(new ComparisonPredicate(ComparisonKind.Equal, value)));
                    break;
                case "$ne":
                    if (value.Type == BsonTypeCode.RegularExpression)
                    {
                        throw new CommandException(ServerErrorCode.BadValue, "Can't have regex as arg to $ne.");
                    }

                    conditions.Add(new NotCondition(Leaf(new ComparisonPredicate(ComparisonKind.Equal, value))));
                    break;
                case "$gt":
                    conditions.Add(Leaf(new ComparisonPredicate(ComparisonKind.GreaterThan, value)));
                    break;
                case "$gte":
                    conditions.Add(Leaf(new ComparisonPredicate(ComparisonKind.GreaterThanOrEqual, value)));
                    break;
                case "$lt":
                    conditions.Add(Leaf(new ComparisonPredicate(ComparisonKind.LessThan, value)));
                    break;
                case "$lte":
                    conditions.Add(Leaf(new ComparisonPredicate(ComparisonKind.LessThanOrEqual, value)));
                    break;
                case "$in":
                    conditions.Add(Leaf(ParseIn(value, name)));
                    break;
                case "$nin":
                    conditions.Add(new NotCondition(Leaf(ParseIn(value, name))));
                    break;
                case "$exists":
                    conditions.Add(IsTrueValue(value) ? Leaf(ExistsPredicate.Instance) : new NotCondition(Leaf(ExistsPredicate.Instance)));
                    break;
                case "$type":
                    conditions.Add(Leaf(new TypePredicate(TypeAliases.Parse(value))));
                    break;
                case "$size":
                    conditions.Add(Leaf(ParseSize(value)));
                    break;
                case "$mod":
                    conditions.Add(Leaf(ParseMod(value)));
                    break;
                case "$all":
                    conditions.Add(ParseAll(value, depth));
                    break;
                case "$elemMatch":
                    conditions.Add(Leaf(ParseElemMatch(value, depth)));
                    break;
                case "$not":
                    conditions.Add(ParseNot(value, depth));
                    break;
                case "$regex":
                    regex = value;
                    break;
                case "$options":
                    options = value;
                    break;
                case "$comment":
                    break;
                case "$bitsAllSet":
                case "$bitsAllClear":
                case "$bitsAnySet":
                case "$bitsAnyClear":
                case "$geoWithin":
                case "$geoIntersects":
                case "$near":
                case "$nearSphere":
                case "$within":
                    throw new CommandException(ServerErrorCode.BadValue, $"{name} is not supported by the sandbox");
                default:
                    throw new CommandException(ServerErrorCode.BadValue, $"unknown operator: {name}");
            }
        }

        if (!regex.IsMissing() || !options.IsMissing())
        {
            conditions.Add(Leaf(ParseRegex(regex, options)));
        }

        return conditions.Count == 1 ? conditions[0] : new AndCondition([.. conditions]);
    }

    private static LeafCondition Leaf(ValuePredicate predicate) => new(predicate);

    /// <summary>The server's "trueValue": false, zero, null and undefined are false; everything else is true.</summary>
    public static bool IsTrueValue(RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.Boolean => value.AsBoolean,
        BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Double or BsonTypeCode.Decimal128 => NumberValue.From(value).Sign != 0 || NumberValue.From(value).IsNaN,
        BsonTypeCode.Null or BsonTypeCode.Undefined or BsonTypeCode.EndOfDocument => false,
        _ => true,
    };

    private static RegexPredicate ParseRegex(RawBsonValue regex, RawBsonValue options)
    {
        if (regex.IsMissing())
        {
            throw new CommandException(ServerErrorCode.BadValue, "$options needs a $regex");
        }

        string flags = string.Empty;
        if (!options.IsMissing())
        {
            if (options.Type != BsonTypeCode.String)
            {
                throw new CommandException(ServerErrorCode.BadValue, "$options has to be a string");
            }

            flags = options.AsString;
        }

        switch (regex.Type)
        {
            case BsonTypeCode.String:
                return new RegexPredicate(regex.AsString, flags);
            case BsonTypeCode.RegularExpression:
                if (!options.IsMissing() && regex.RegexOptions.Length > 0)
                {
                    throw new CommandException(ServerErrorCode.BadValue, "options set in both $regex and $options");
                }

                return new RegexPredicate(regex.RegexPattern, options.IsMissing() ? regex.RegexOptions : flags);
            default:
                throw new CommandException(ServerErrorCode.BadValue, "$regex has to be a string");
        }
    }

    private static InPredicate ParseIn(RawBsonValue value, string name)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"{name} needs an array");
        }

        var values = new List<RawBsonValue>();
        var regexes = new List<RegexPredicate>();
        foreach (var element in value.AsDocument)
        {
            var item = element.Value;
            if (item.Type == BsonTypeCode.RegularExpression)
            {
                regexes.Add(RegexPredicate.FromValue(item));
            }
            else if (item.Type == BsonTypeCode.Undefined)
            {
                throw new CommandException(ServerErrorCode.BadValue, "InMatchExpression equality cannot be undefined");
            }
            else if (FilterParser.IsOperatorDocument(item))
            {
                throw new CommandException(ServerErrorCode.BadValue, "cannot nest $ under $in");
            }
            else
            {
                values.Add(item);
            }
        }

        return new InPredicate(values, regexes);
    }

    private static SizePredicate ParseSize(RawBsonValue value)
    {
        if (!value.IsNumeric)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$size needs a number");
        }

        if (!value.TryGetInt64(out var size))
        {
            throw new CommandException(ServerErrorCode.BadValue, "$size must be a whole number");
        }

        if (size < 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$size may not be negative");
        }

        return new SizePredicate(size > int.MaxValue ? int.MaxValue : (int)size);
    }

    private static ModPredicate ParseMod(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.BadValue, "malformed mod, needs to be an array");
        }

        var items = value.AsDocument.Values();
        if (items.Count < 2)
        {
            throw new CommandException(ServerErrorCode.BadValue, "malformed mod, not enough elements");
        }

        if (items.Count > 2)
        {
            throw new CommandException(ServerErrorCode.BadValue, "malformed mod, too many elements");
        }

        var divisor = ModOperand(items[0], "divisor");
        var remainder = ModOperand(items[1], "remainder");
        if (divisor == 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "divisor cannot be 0");
        }

        return new ModPredicate(divisor, remainder);
    }

    private static long ModOperand(RawBsonValue value, string what)
    {
        if (!value.IsNumeric)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"malformed mod, {what} not a number");
        }

        if (value.Type is BsonTypeCode.Int32 or BsonTypeCode.Int64)
        {
            return value.Type == BsonTypeCode.Int32 ? value.AsInt32 : value.AsInt64;
        }

        var d = Math.Truncate(value.ToDouble());

        if (!double.IsFinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"malformed mod, {what} value is invalid :: caused by :: Out of bounds coercing to integral value");
        }

        return (long)d;
    }

    private static ValueCondition ParseAll(RawBsonValue value, int depth)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$all needs an array");
        }

        var items = value.AsDocument.Values();
        if (items.Count == 0)
        {
            return Leaf(new ConstantPredicate(false));
        }

        var conditions = new ValueCondition[items.Count];
        var elemMatchCount = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Type == BsonTypeCode.Document && item.AsDocument.TryGetFirst(out var first) && first.NameEquals("$elemMatch"))
            {
                elemMatchCount++;
                conditions[i] = Leaf(ParseElemMatch(first.Value, depth));
            }
            else if (item.Type == BsonTypeCode.RegularExpression)
            {
                conditions[i] = Leaf(RegexPredicate.FromValue(item));
            }
            else if (FilterParser.IsOperatorDocument(item))
            {
                throw new CommandException(ServerErrorCode.BadValue, "no $ expressions in $all");
            }
            else
            {
                conditions[i] = Leaf(new ComparisonPredicate(ComparisonKind.Equal, item));
            }
        }

        if (elemMatchCount != 0 && elemMatchCount != items.Count)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$all/$elemMatch has to be consistent");
        }

        return conditions.Length == 1 ? conditions[0] : new AndCondition(conditions);
    }

    private static ValuePredicate ParseElemMatch(RawBsonValue value, int depth)
    {
        if (value.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$elemMatch needs an Object");
        }

        var document = value.AsDocument;
        if (FilterParser.IsOperatorDocument(value) && document.TryGetFirst(out var first) && !IsTopLevelOperator(first.Name))
        {
            return new ElemMatchValuePredicate(ParseOperators(document, depth + 1));
        }

        return new ElemMatchObjectPredicate(FilterParser.ParseDocument(document, depth + 1));
    }

    /// <summary>The per-element test of an $elemMatch argument, for the $elemMatch projection.</summary>
    public static Func<RawBsonValue, bool> ParseElemMatchElementTest(RawBsonValue value) => ParseElemMatch(value, 0) switch
    {
        ElemMatchValuePredicate byValue => byValue.MatchesElement,
        ElemMatchObjectPredicate byObject => byObject.MatchesElement,
        _ => throw new InvalidOperationException("unexpected $elemMatch form"),
    };

    private static bool IsTopLevelOperator(string name) =>
        name is "$and" or "$or" or "$nor" or "$expr" or "$where" or "$text" or "$comment" or "$alwaysTrue" or "$alwaysFalse" or "$jsonSchema";

    private static ValueCondition ParseNot(RawBsonValue value, int depth)
    {
        if (value.Type == BsonTypeCode.RegularExpression)
        {
            return new NotCondition(Leaf(RegexPredicate.FromValue(value)));
        }

        if (value.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$not needs a regex or a document");
        }

        if (value.AsDocument.IsEmpty)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$not cannot be empty");
        }

        return new NotCondition(ParseOperators(value.AsDocument, depth + 1));
    }
}
