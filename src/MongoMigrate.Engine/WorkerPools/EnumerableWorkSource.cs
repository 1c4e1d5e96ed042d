using System.Diagnostics.CodeAnalysis;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Items from a sequence, enumerated lazily as slots free up, so a generated sequence is never held whole.</summary>
internal sealed class EnumerableWorkSource<TItem>(IEnumerable<TItem> items) : IWorkSource<TItem>
{
    private readonly IEnumerator<TItem> _enumerator = items.GetEnumerator();
    private bool _exhausted;

    public bool IsExhausted => _exhausted;

    public bool TryTake([MaybeNullWhen(false)] out TItem item)
    {
        if (!_exhausted && _enumerator.MoveNext())
        {
            item = _enumerator.Current;
            return true;
        }

        _exhausted = true;
        item = default;
        return false;
    }

    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => new(!_exhausted);

    public void Dispose() => _enumerator.Dispose();
}
