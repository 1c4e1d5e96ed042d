using System.Diagnostics.CodeAnalysis;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Where a work queue takes its items from: a synchronous take, and an async wait for when none is ready.</summary>
/// <remarks>Used by the dispatcher only, from one logical thread at a time.</remarks>
internal interface IWorkSource<TItem> : IDisposable
{
    /// <summary>True once it is known that no item will ever come.</summary>
    bool IsExhausted { get; }

    bool TryTake([MaybeNullWhen(false)] out TItem item);

    /// <summary>Completes with true when an item may be ready, false when none ever will.</summary>
    ValueTask<bool> WaitAsync(CancellationToken cancellationToken);
}
