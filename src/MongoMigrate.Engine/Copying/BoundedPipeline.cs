using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// One producer and several consumers joined by a bounded channel, as a chunk's reader and its insertion
/// workers are. The first failure on either side cancels the other side, so neither waits forever on a
/// channel the other abandoned, and it is the exception thrown, not the cancellations it caused.
/// </summary>
internal static class BoundedPipeline
{
    public static async Task RunAsync<T>(
        int capacity,
        int consumers,
        Func<ChannelWriter<T>, CancellationToken, Task> produce,
        Func<ChannelReader<T>, CancellationToken, Task> consume,
        CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleWriter = true, SingleReader = consumers == 1 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? first = null;

        async Task GuardAsync(Func<Task> work)
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref first, e, null);
                }

                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        var tasks = new List<Task>(consumers + 1)
        {
            GuardAsync(async () =>
            {
                try
                {
                    await produce(channel.Writer, stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            }),
        };
        for (var i = 0; i < consumers; i++)
        {
            tasks.Add(GuardAsync(() => consume(channel.Reader, stop.Token)));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        if (Volatile.Read(ref first) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
