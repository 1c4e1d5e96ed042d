using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>Parses the arguments of $push, $addToSet and $pull, which carry their own little languages.</summary>
internal static class UpdateArgumentParser
{
    public static PushModifier ParsePush(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Document || !value.AsDocument.TryGetValue("$each", out _))
        {
            return new PushModifier([value], null, null, null);
        }

        IReadOnlyList<RawBsonValue>? each = null;
        int? position = null, slice = null;
        PushSort? sort = null;
        foreach (var clause in value.AsDocument)
        {
            var v = clause.Value;
            switch (clause.Name)
            {
                case "$each":
                    if (v.Type != BsonTypeCode.Array)
                    {
                        throw new CommandException(ServerErrorCode.BadValue, $"The argument to $each in $push must be an array but it was of type: {BsonValues.TypeName(v.Type)}");
                    }

                    each = v.AsDocument.Values();
                    break;
                case "$slice":
                    if (!v.IsNumeric || !v.TryGetInt64(out var s))
                    {
                        throw new CommandException(ServerErrorCode.BadValue, $"The value for $slice must be an integer value but was given type: {BsonValues.TypeName(v.Type)}");
                    }

                    slice = (int)Math.Clamp(s, int.MinValue + 1, int.MaxValue);
                    break;
                case "$position":
                    if (!v.IsNumeric || !v.TryGetInt64(out var p))
                    {
                        throw new CommandException(ServerErrorCode.BadValue, $"The value for $position must be an integer value, not of type: {BsonValues.TypeName(v.Type)}");
                    }

                    position = (int)Math.Clamp(p, int.MinValue + 1, int.MaxValue);
                    break;
                case "$sort":
                    sort = ParsePushSort(v);
                    break;
                default:
                    throw new CommandException(ServerErrorCode.BadValue, $"Unrecognized clause in $push: {clause.Name}");
            }
        }

        return new PushModifier(each!, position, slice, sort);
    }

    private static PushSort ParsePushSort(RawBsonValue value)
    {
        const string Invalid = "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields";
        if (value.IsNumeric)
        {
            var d = value.ToDouble();
            if (d is not (1 or -1))
            {
                throw new CommandException(ServerErrorCode.BadValue, Invalid);
            }

            return new PushSort((int)d, null);
        }

        if (value.Type != BsonTypeCode.Document || value.AsDocument.IsEmpty)
        {
            throw new CommandException(ServerErrorCode.BadValue, Invalid);
        }

        foreach (var element in value.AsDocument)
        {
            if (!element.Value.IsNumeric || element.Value.ToDouble() is not (1 or -1) || element.Name.Length == 0 || element.Name.StartsWith('$'))
            {
                throw new CommandException(ServerErrorCode.BadValue, Invalid);
            }
        }

        return new PushSort(1, SortSpecification.Compile(value.AsDocument));
    }

    public static List<RawBsonValue> ParseAddToSet(RawBsonValue value)
    {
        List<RawBsonValue> values;
        if (value.Type == BsonTypeCode.Document && value.AsDocument.TryGetFirst(out var first) && first.NameEquals("$each"))
        {
            if (first.Value.Type != BsonTypeCode.Array)
            {
                throw new CommandException(ServerErrorCode.TypeMismatch, $"The argument to $each in $addToSet must be an array but it was of type {BsonValues.TypeName(first.Value.Type)}");
            }

            if (value.AsDocument.Count() > 1)
            {
                throw new CommandException(ServerErrorCode.BadValue, $"Found unexpected fields after $each in $addToSet: {BsonDebugText.Format(value)}");
            }

            values = first.Value.AsDocument.Values();
        }
        else
        {
            values = [value];
        }

        var distinct = new List<RawBsonValue>();
        foreach (var v in values)
        {
            if (!distinct.Any(d => BsonOrder.CompareValues(d, v) == 0))
            {
                distinct.Add(v);
            }
        }

        return distinct;
    }

    /// <summary>
    /// A $pull condition: a document of query fields tests element documents; operators ({$gte: 6}) or a regex
    /// test each element as a field value would be tested; anything else is MongoDB equality.
    /// </summary>
    public static Func<RawBsonValue, bool> ParsePullCondition(RawBsonValue value)
    {
        if (value.Type == BsonTypeCode.Document && (!FilterParser.IsOperatorDocument(value) || StartsWithLogicalOperator(value)))
        {
            var filter = QueryFilter.Compile(value.AsDocument);
            return element => element.Type == BsonTypeCode.Document && filter.Matches(element.AsDocument);
        }

        if (value.Type is BsonTypeCode.Document or BsonTypeCode.RegularExpression)
        {
            var wrapper = new BsonBuilder().StartDocument().Value("v", value).End().ToDocument();
            var filter = QueryFilter.Compile(wrapper);
            return element =>
            {
                var wrapped = new BsonBuilder(element.Span.Length + 16).StartDocument().Value("v", element).End();
                return filter.Matches(new RawDocument(wrapped.WrittenMemory));
            };
        }

        return element => BsonOrder.CompareValues(element, value) == 0;
    }

    private static bool StartsWithLogicalOperator(RawBsonValue value) =>
        value.AsDocument.TryGetFirst(out var first) && first.Name is "$and" or "$or" or "$nor" or "$expr" or "$comment";
}
