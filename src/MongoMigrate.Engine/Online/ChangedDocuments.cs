using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The _ids of the documents changed since their collection's copy, as this run applied them: what a cutover rechecks.
/// Bounded: past <paramref name="capacity"/> keys a collection is compared whole instead, and so is every collection
/// when this run did not see all its changes (<paramref name="knowsAll"/> false, e.g. a resumed run: earlier runs applied some).
/// </summary>
public sealed class ChangedDocuments(bool knowsAll, int capacity = 1_000_000) : IDocumentChangeObserver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<NamespaceName, HashSet<RawBsonValue>> _keys = [];
    private readonly HashSet<NamespaceName> _whole = [];
    private int _count;

    public void Changed(NamespaceName source, RawBsonValue id)
    {
        if (!knowsAll)
        {
            return;
        }

        lock (_lock)
        {
            if (_whole.Contains(source))
            {
                return;
            }

            if (_count >= capacity)
            {
                _count -= _keys.Remove(source, out var dropped) ? dropped.Count : 0;
                _whole.Add(source);
                return;
            }

            if (!_keys.TryGetValue(source, out var keys))
            {
                keys = [];
                _keys[source] = keys;
            }

            if (keys.Add(id))
            {
                _count++;
            }
        }
    }

    /// <summary>The collection's changed _ids, or null when it must be compared whole.</summary>
    public IReadOnlyList<RawBsonValue>? Of(NamespaceName source)
    {
        if (!knowsAll)
        {
            return null;
        }

        lock (_lock)
        {
            return _whole.Contains(source) ? null : _keys.TryGetValue(source, out var keys) ? [.. keys] : [];
        }
    }
}
