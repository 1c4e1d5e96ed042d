using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Which source collections are copied and so may have changes applied: the changes of a collection whose
/// copy has not finished wait in the spool. Marking one ready wakes the applier at once.
/// </summary>
public sealed class NamespaceGate
{
    private readonly Lock _lock = new();
    private readonly HashSet<NamespaceName> _ready = [];
    private readonly Dictionary<NamespaceName, ulong> _copiedAt = [];
    private readonly bool _allReady;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceGate(bool allReady = false)
    {
        _allReady = allReady;
    }

    /// <summary>A gate with every collection ready (following after the copy).</summary>
    public static NamespaceGate AllReady() => new(allReady: true);

    /// <summary>Completes at the next <see cref="MarkReady"/>.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    public bool IsReady(NamespaceName source)
    {
        if (_allReady)
        {
            return true;
        }

        lock (_lock)
        {
            return _ready.Contains(source);
        }
    }

    /// <summary>
    /// The source's cluster time read once the collection's copy had read everything (0 when not known: copied by an
    /// earlier run, or made by a change applied while following). A rename of the collection at or before it may have
    /// happened while the copy read, so the copy may lack documents.
    /// </summary>
    public ulong CopiedAt(NamespaceName source)
    {
        lock (_lock)
        {
            return _copiedAt.GetValueOrDefault(source);
        }
    }

    /// <summary>The collection's copy is finished (its reads done by the source's <paramref name="copiedAt"/>, 0 when not known): its changes may be applied.</summary>
    public void MarkReady(NamespaceName source, ulong copiedAt = 0)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (copiedAt != 0)
            {
                _copiedAt[source] = copiedAt;
            }

            if (!_ready.Add(source))
            {
                return;
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
