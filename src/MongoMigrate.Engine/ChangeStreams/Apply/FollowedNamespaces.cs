using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// The source collections whose changes are applied, and where each goes on the target: the job's planned collections,
/// and, when the job has a selection, the collections it takes that appear on the source while it follows (created, or
/// renamed into it). A cutover compares every one of them. Views and time-series collections created meanwhile are left
/// out, as discovery leaves them out.
/// </summary>
public sealed class FollowedNamespaces
{
    private readonly Lock _lock = new();
    private readonly Dictionary<NamespaceName, NamespaceName> _targets = [];
    private readonly List<NamespaceName> _order = [];
    private readonly HashSet<NamespaceName> _leftOut;
    private readonly NamespaceSelection? _selection;

    /// <param name="planned">The collections the job copies (source, target).</param>
    /// <param name="selection">The job's selection; null: only the planned collections are followed.</param>
    /// <param name="leftOut">Namespaces the job's discovery left out (never followed, even when the selection takes them).</param>
    public FollowedNamespaces(IEnumerable<(NamespaceName Source, NamespaceName Target)> planned, NamespaceSelection? selection = null, IEnumerable<NamespaceName>? leftOut = null)
    {
        _selection = selection;
        _leftOut = [.. leftOut ?? []];
        foreach (var (source, target) in planned)
        {
            if (_targets.TryAdd(source, target))
            {
                _order.Add(source);
            }
        }
    }

    /// <summary>Every collection followed so far, in the order they were first followed.</summary>
    public IReadOnlyList<(NamespaceName Source, NamespaceName Target)> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _order.Select(ns => (ns, _targets[ns]))];
            }
        }
    }

    public bool IsFollowed(NamespaceName source)
    {
        lock (_lock)
        {
            return _targets.ContainsKey(source);
        }
    }

    /// <summary>Where a source collection goes: its planned target, else where the selection's renames put it.</summary>
    public NamespaceName TargetOf(NamespaceName source)
    {
        lock (_lock)
        {
            if (_targets.TryGetValue(source, out var target))
            {
                return target;
            }
        }

        return _selection?.TargetOf(source) ?? source;
    }

    /// <summary>Whether a collection not followed yet is one the job's selection takes (and so is followed once it appears).</summary>
    public bool Takes(NamespaceName source)
    {
        if (_selection is null || source.Collection.Length == 0 || !_selection.IsSelected(source) || CollectionDiscovery.ReasonToSkip(source, "collection") is not null)
        {
            return false;
        }

        lock (_lock)
        {
            return !_targets.ContainsKey(source) && !_leftOut.Contains(source);
        }
    }

    /// <summary>Follows a collection that appeared on the source; returns its target.</summary>
    /// <exception cref="ChangeStreamStoppedException">Its target is already another followed collection's.</exception>
    public NamespaceName Follow(NamespaceName source, ulong clusterTime)
    {
        var target = TargetOf(source);
        lock (_lock)
        {
            if (_targets.TryGetValue(source, out var existing))
            {
                return existing;
            }

            if (_targets.FirstOrDefault(t => t.Value == target) is { Key.Collection.Length: > 0 } clash)
            {
                throw new ChangeStreamStoppedException(
                    "create",
                    source,
                    clusterTime,
                    $"the job's selection takes this new collection, but it writes {clash.Key} to {target} already; adjust --from/--to and start a new job.");
            }

            _targets[source] = target;
            _order.Add(source);
            return target;
        }
    }

    /// <summary>Leaves a namespace out from now on (a view or a time-series collection created while following).</summary>
    public void LeaveOut(NamespaceName source)
    {
        lock (_lock)
        {
            _leftOut.Add(source);
        }
    }
}
