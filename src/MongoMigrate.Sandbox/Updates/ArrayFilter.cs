using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>
/// One entry of an update's arrayFilters ({"x.b": {$gt: 1}}): a filter on the identifier "x", tested against an
/// array element as if the element were the value of a field named x.
/// </summary>
internal sealed class ArrayFilter
{
    private readonly QueryFilter _filter;

    private ArrayFilter(string identifier, QueryFilter filter)
    {
        Identifier = identifier;
        _filter = filter;
    }

    public string Identifier { get; }

    public static Dictionary<string, ArrayFilter> CompileAll(IReadOnlyList<RawDocument>? arrayFilters)
    {
        var result = new Dictionary<string, ArrayFilter>(StringComparer.Ordinal);
        if (arrayFilters is null)
        {
            return result;
        }

        foreach (var document in arrayFilters)
        {
            var filter = Compile(document);
            if (!result.TryAdd(filter.Identifier, filter))
            {
                throw new CommandException(ServerErrorCode.FailedToParse, $"Found multiple array filters with the same top-level field name {filter.Identifier}");
            }
        }

        return result;
    }

    private static ArrayFilter Compile(RawDocument document)
    {
        if (document.IsEmpty)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "Cannot use an expression without a top-level field name in arrayFilters");
        }

        string? identifier = null;
        CollectIdentifiers(document, ref identifier);
        if (identifier is null)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "Cannot use an expression without a top-level field name in arrayFilters");
        }

        if (!UpdatePath.IsValidIdentifier(identifier))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '{identifier}'");
        }

        return new ArrayFilter(identifier, QueryFilter.Compile(document));
    }

    private static void CollectIdentifiers(RawDocument document, ref string? identifier)
    {
        foreach (var element in document)
        {
            var name = element.Name;
            if (name is "$and" or "$or" or "$nor")
            {
                if (element.Value.Type == BsonTypeCode.Array)
                {
                    foreach (var clause in element.Value.AsDocument)
                    {
                        if (clause.Value.Type == BsonTypeCode.Document)
                        {
                            CollectIdentifiers(clause.Value.AsDocument, ref identifier);
                        }
                    }
                }

                continue;
            }

            var head = name.Split('.')[0];
            if (identifier is not null && identifier != head)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, $"Error parsing array filter :: caused by :: Expected a single top-level field name, found '{identifier}' and '{head}'");
            }

            identifier = head;
        }
    }

    /// <summary>Tests one array element, wrapping it as {identifier: element}.</summary>
    public bool Matches(RawBsonValue element)
    {
        var wrapped = new BsonBuilder(element.Span.Length + Identifier.Length + 16).StartDocument().Value(Identifier, element).End();
        return _filter.Matches(new RawDocument(wrapped.WrittenMemory));
    }
}
