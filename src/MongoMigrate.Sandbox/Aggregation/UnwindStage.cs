using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>
/// $unwind: one output document per array element, the array replaced in place by the element. A null,
/// missing or empty array drops the document unless preserveNullAndEmptyArrays; a non-array value passes
/// through as if it were a one-element array.
/// </summary>
internal sealed class UnwindStage(string[] path, string? indexField, bool preserve) : PipelineStage
{
    public override string Name => "$unwind";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        foreach (var document in input)
        {
            var value = Lookup(document);
            if (value.Type == BsonTypeCode.Array)
            {
                var index = 0L;
                var any = false;
                foreach (var element in value.AsDocument)
                {
                    any = true;
                    yield return With(document, element.Value, BsonValues.Int64(index++));
                }

                if (!any && preserve)
                {
                    yield return With(document, BsonValues.Missing, BsonValues.Null);
                }
            }
            else if (value.IsMissing() || value.Type == BsonTypeCode.Null)
            {
                if (preserve)
                {
                    yield return indexField is null ? document : With(document, value, BsonValues.Null);
                }
            }
            else
            {
                yield return indexField is null ? document : With(document, value, BsonValues.Null);
            }
        }
    }

    private RawBsonValue Lookup(RawDocument document)
    {
        var value = document.AsValue();
        foreach (var part in path)
        {
            if (value.Type != BsonTypeCode.Document || !value.AsDocument.TryGetValue(part, out value))
            {
                return BsonValues.Missing;
            }
        }

        return value;
    }

    private RawDocument With(RawDocument document, RawBsonValue element, RawBsonValue index)
    {
        var root = DocumentNode.FromRaw(document);
        DocumentNode? node = root;
        for (var i = 0; i < path.Length - 1 && node is not null; i++)
        {
            var at = node.IndexOf(path[i]);
            node = at < 0 ? null : node.ChildNodeAt(at);
        }

        if (node is not null)
        {
            if (element.IsMissing())
            {
                node.Remove(path[^1]);
            }
            else
            {
                node.Set(path[^1], element);
            }
        }

        if (indexField is not null)
        {
            root.Set(indexField, index);
        }

        return root.ToDocument();
    }

    public static UnwindStage Parse(RawBsonValue specification)
    {
        string? pathText = null;
        string? indexField = null;
        var preserve = false;
        switch (specification.Type)
        {
            case BsonTypeCode.String:
                pathText = specification.AsString;
                break;
            case BsonTypeCode.Document:
                foreach (var element in specification.AsDocument)
                {
                    switch (element.Name)
                    {
                        case "path":
                            if (element.Value.Type != BsonTypeCode.String)
                            {
                                throw new CommandException(28808, $"expected a string as the path for $unwind stage, got {BsonValues.TypeName(element.Value.Type)}");
                            }

                            pathText = element.Value.AsString;
                            break;
                        case "includeArrayIndex":
                            if (element.Value.Type != BsonTypeCode.String)
                            {
                                throw new CommandException(28810, $"expected a non-empty string for the includeArrayIndex option to $unwind stage, got {BsonValues.TypeName(element.Value.Type)}");
                            }

                            indexField = element.Value.AsString;
                            if (indexField.Length == 0 || indexField.StartsWith('$'))
                            {
                                throw new CommandException(28822, $"includeArrayIndex option to $unwind stage should not be prefixed with a '$': {indexField}");
                            }

                            break;
                        case "preserveNullAndEmptyArrays":
                            if (element.Value.Type != BsonTypeCode.Boolean)
                            {
                                throw new CommandException(28809, $"expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got {BsonValues.TypeName(element.Value.Type)}");
                            }

                            preserve = element.Value.AsBoolean;
                            break;
                        default:
                            throw new CommandException(28811, $"unrecognized option to $unwind stage: {element.Name}");
                    }
                }

                if (pathText is null)
                {
                    throw new CommandException(28812, "no path specified to $unwind stage");
                }

                break;
            default:
                throw new CommandException(15981, $"expected either a string or an object as specification for $unwind stage, got {BsonValues.TypeName(specification.Type)}");
        }

        if (!pathText.StartsWith('$') || pathText.Length < 2)
        {
            throw new CommandException(28818, $"path option to $unwind stage should be prefixed with a '$': {pathText}");
        }

        var parts = pathText[1..].Split('.');
        if (parts.Any(p => p.Length == 0 || p.StartsWith('$')))
        {
            throw new CommandException(15998, "FieldPath field names may not be empty strings.");
        }

        return new UnwindStage(parts, indexField, preserve);
    }
}
