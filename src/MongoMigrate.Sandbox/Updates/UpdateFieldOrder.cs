using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>
/// The server's order for applying sibling updates: numeric names numerically, others lexicographically,
/// which is also the order in which new fields get appended.
/// </summary>
internal sealed class UpdateFieldOrder : IComparer<string>
{
    public static UpdateFieldOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (DocumentNode.TryParseIndex(x!, out var l) && DocumentNode.TryParseIndex(y!, out var r))
        {
            var c = l.CompareTo(r);
            return c != 0 ? c : string.CompareOrdinal(x, y);
        }

        return string.CompareOrdinal(x, y);
    }
}
