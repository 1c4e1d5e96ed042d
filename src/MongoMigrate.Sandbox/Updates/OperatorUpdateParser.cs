using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>Parses an update-operator document ({$set: {...}, $inc: {...}}) into an update tree.</summary>
internal static class OperatorUpdateParser
{
    private static readonly string[] Modifiers =
        ["$set", "$unset", "$inc", "$mul", "$min", "$max", "$rename", "$setOnInsert", "$currentDate", "$push", "$addToSet", "$pop", "$pull", "$pullAll", "$bit"];

    public static ObjectUpdateNode Parse(RawDocument update, IReadOnlyDictionary<string, ArrayFilter> arrayFilters, out string? idPath)
    {
        var root = new ObjectUpdateNode();
        var usedIdentifiers = new HashSet<string>(StringComparer.Ordinal);
        idPath = null;
        foreach (var modifier in update)
        {
            var op = modifier.Name;
            if (Array.IndexOf(Modifiers, op) < 0)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, $"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style update specified as an array");
            }

            if (modifier.Value.Type != BsonTypeCode.Document)
            {
                throw new CommandException(
                    ServerErrorCode.FailedToParse,
                    $"Modifiers operate on fields but we found type {BsonValues.TypeName(modifier.Type)} instead. For example: {{$mod: {{<field>: ...}}}} not {{{BsonValues.Describe(op, modifier.Value)}}}");
            }

            if (op == "$bit")
            {
                throw new CommandException(ServerErrorCode.BadValue, "$bit is not supported by the sandbox");
            }

            foreach (var field in modifier.Value.AsDocument)
            {
                var path = UpdatePath.Parse(field.Name);
                foreach (var part in path.Parts)
                {
                    if (UpdatePath.IsArrayFilter(part, out var identifier) && identifier.Length > 0)
                    {
                        if (!arrayFilters.ContainsKey(identifier))
                        {
                            throw new CommandException(ServerErrorCode.BadValue, $"No array filter found for identifier '{identifier}' in path '{path.Dotted}'");
                        }

                        usedIdentifiers.Add(identifier);
                    }
                }

                if (path.Parts[0] == "_id")
                {
                    idPath ??= path.Dotted;
                }

                if (op == "$rename")
                {
                    var destination = ParseRenameDestination(field);
                    if (destination.Parts[0] == "_id")
                    {
                        idPath ??= destination.Dotted;
                    }

                    // The source path takes part in conflict detection through a node that does nothing;
                    // the node at the destination moves the value.
                    root.Insert(path, 0, new NoOpModifier());
                    root.Insert(destination, 0, new RenameModifier(path, destination));
                    continue;
                }

                root.Insert(path, 0, CreateModifier(op, field));
            }
        }

        foreach (var identifier in arrayFilters.Keys)
        {
            if (!usedIdentifiers.Contains(identifier))
            {
                throw new CommandException(ServerErrorCode.FailedToParse, $"The array filter for identifier '{identifier}' was not used in the update {BsonDebugText.Format(update)}");
            }
        }

        return root;
    }

    private static UpdatePath ParseRenameDestination(RawBsonElement field)
    {
        if (field.Value.Type != BsonTypeCode.String)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The 'to' field for $rename must be a string: {BsonValues.Describe(field.Name, field.Value)}");
        }

        var source = field.Name;
        var destination = UpdatePath.Parse(field.Value.AsString);
        if (source.Contains('$', StringComparison.Ordinal))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The source field for $rename may not be dynamic: {source}");
        }

        if (destination.Dotted.Contains('$', StringComparison.Ordinal))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The destination field for $rename may not be dynamic: {destination.Dotted}");
        }

        if (source == destination.Dotted)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The source and target field for $rename must differ: {BsonValues.Describe(source, field.Value)}");
        }

        if (UpdatePath.Overlaps(source.Split('.'), destination.Parts))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The source and target field for $rename must not be on the same path: {BsonValues.Describe(source, field.Value)}");
        }

        return destination;
    }

    private static UpdateNode CreateModifier(string op, RawBsonElement field)
    {
        var value = field.Value;
        switch (op)
        {
            case "$set":
                return new SetModifier(value, onInsertOnly: false);
            case "$setOnInsert":
                return new SetModifier(value, onInsertOnly: true);
            case "$unset":
                return new UnsetModifier();
            case "$inc":
            case "$mul":
                if (!value.IsNumeric)
                {
                    throw new CommandException(
                        ServerErrorCode.TypeMismatch,
                        $"Cannot {(op == "$inc" ? "increment" : "multiply")} with non-numeric argument: {BsonValues.DescribeField(field.Name, value)}");
                }

                return new ArithmeticModifier(op == "$mul", value);
            case "$min":
            case "$max":
                return new MinMaxModifier(op == "$max", value);
            case "$currentDate":
                return new CurrentDateModifier(ParseCurrentDate(field));
            case "$push":
                return UpdateArgumentParser.ParsePush(value);
            case "$addToSet":
                return new AddToSetModifier(UpdateArgumentParser.ParseAddToSet(value));
            case "$pop":
                {
                    if (!value.IsNumeric || (value.ToDouble() is not (1 or -1)))
                    {
                        throw new CommandException(ServerErrorCode.FailedToParse, $"$pop expects 1 or -1, found: {BsonDebugText.Format(value)}");
                    }

                    return new PopModifier(first: value.ToDouble() < 0);
                }

            case "$pull":
                return new PullModifier(UpdateArgumentParser.ParsePullCondition(value), "$pull");
            default:
                {
                    if (value.Type != BsonTypeCode.Array)
                    {
                        throw new CommandException(ServerErrorCode.BadValue, $"$pullAll requires an array argument but was given a {BsonValues.TypeName(value.Type)}");
                    }

                    var values = value.AsDocument.Values();
                    return new PullModifier(v => values.Any(x => BsonOrder.CompareValues(x, v) == 0), "$pullAll");
                }
        }
    }

    private static bool ParseCurrentDate(RawBsonElement field)
    {
        var value = field.Value;
        if (value.Type == BsonTypeCode.Boolean)
        {
            return false;
        }

        if (value.Type == BsonTypeCode.Document)
        {
            var spec = value.AsDocument;
            if (spec.Count() == 1 && spec.TryGetValue("$type", out var type) && type.Type == BsonTypeCode.String)
            {
                switch (type.AsString)
                {
                    case "date":
                        return false;
                    case "timestamp":
                        return true;
                }
            }

            throw new CommandException(ServerErrorCode.BadValue, "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}");
        }

        throw new CommandException(
            ServerErrorCode.BadValue,
            $"{BsonValues.Describe(field.Name, value)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({{$type: 'timestamp/date'}}).");
    }

    /// <summary>Holds the place of a $rename source in the tree; the destination node does the work.</summary>
    private sealed class NoOpModifier : ModifierNode
    {
        protected override void ApplyExisting(Documents.DocumentNode container, int index, string name, string path, ApplyState state)
        {
        }

        protected override void ApplyMissing(Documents.DocumentNode container, string name, string path, ApplyState state)
        {
        }
    }
}
