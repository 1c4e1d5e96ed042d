using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Compiles a command's filter into a predicate.</summary>
internal static class DocumentFilter
{
    public static Func<RawDocument, bool> Compile(RawDocument? filter)
    {
        if (filter is not { } f || f.IsEmpty)
        {
            return static _ => true;
        }

        // Top-level equality only, until the query language is wired in.
        var conditions = new List<(string Name, RawBsonValue Value)>();
        foreach (var element in f)
        {
            if (element.Name.StartsWith('$') || (element.Type == BsonTypeCode.Document && element.Value.AsDocument.TryGetFirst(out var first) && first.Name.StartsWith('$')))
            {
                throw new CommandException(ServerErrorCode.BadValue, $"unsupported filter {f}");
            }

            conditions.Add((element.Name, element.Value));
        }

        return document =>
        {
            foreach (var (name, value) in conditions)
            {
                if (!document.TryGetValue(name, out var actual) || BsonOrder.CompareValues(actual, value) != 0)
                {
                    return false;
                }
            }

            return true;
        };
    }
}
