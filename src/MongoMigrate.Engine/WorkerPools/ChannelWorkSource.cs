using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Items from a channel that a producer (e.g. the partitioner) fills while the queue runs; bounded channels keep memory flat.</summary>
internal sealed class ChannelWorkSource<TItem>(ChannelReader<TItem> reader) : IWorkSource<TItem>
{
    // A channel completed with an error is not exhausted: the wait rethrows the producer's error.
    public bool IsExhausted => reader.Completion.IsCompletedSuccessfully;

    public bool TryTake([MaybeNullWhen(false)] out TItem item) => reader.TryRead(out item);

    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => reader.WaitToReadAsync(cancellationToken);

    public void Dispose()
    {
    }
}
