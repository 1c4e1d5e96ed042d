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

    /// <summary>The collection's copy is finished: its changes may be applied.</summary>
    public void MarkReady(NamespaceName source)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
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
