using System.Threading.Channels;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>
/// Reads an archive once, sequentially, and fans its documents out to one consumer per namespace through
/// bounded channels of <see cref="DocumentBatch"/>es, so restores run namespaces in parallel while memory stays
/// at a few batches per namespace in flight.
/// </summary>
/// <remarks>
/// Consumers start as their namespace first appears (like mongorestore's reactive prioritizer), so every
/// namespace whose segments interleave has a running consumer. A consumer must drain its channel without
/// waiting on another namespace's consumer: the reader waits for the slowest namespace in the current stretch of
/// the archive. A consumer that returns early detaches: the rest of its namespace is read (and CRC-checked) and dropped.
/// </remarks>
public sealed class ArchiveDemultiplexer(ArchiveReader reader, ArchiveDemultiplexerOptions? options = null)
{
    private readonly ArchiveDemultiplexerOptions _options = options ?? ArchiveDemultiplexerOptions.Default;

    /// <summary>
    /// Reads the whole archive. <paramref name="consume"/> is started once per included namespace (also for
    /// namespaces with no documents) with a channel that completes after the namespace's EOF block and CRC check,
    /// or fails with the reader's error. Returns when the archive and every consumer are done.
    /// </summary>
    /// <param name="consume">Reads and disposes the batches of one namespace.</param>
    /// <param name="include">Namespaces to hand out; the others are read and dropped. All by default.</param>
    /// <param name="cancellationToken">Stops reading and is passed on to consumers.</param>
    public async Task RunAsync(
        Func<ArchiveNamespace, ChannelReader<DocumentBatch>, CancellationToken, Task> consume,
        Func<ArchiveNamespace, bool>? include = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consume);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var routes = new Dictionary<ArchiveNamespace, Route?>();
        var consumers = new List<Task>();
        Route? last = null;
        Exception? readError = null;
        try
        {
            while (await reader.ReadAsync(stop.Token).ConfigureAwait(false))
            {
                var ns = reader.Namespace!;
                if (!routes.TryGetValue(ns, out var route))
                {
                    route = include is null || include(ns) ? StartRoute(ns, consume, consumers, stop) : null;
                    routes.Add(ns, route);
                }

                if (route is null)
                {
                    continue;
                }

                if (reader.Kind == ArchiveRecordKind.NamespaceEnd)
                {
                    await route.FlushAsync(stop.Token).ConfigureAwait(false);
                    route.Complete(null);
                    continue;
                }

                // Hand over what another namespace had pending when the archive moves on from it, so consumers
                // do not wait for a batch to fill while other namespaces' segments go by.
                if (last is not null && last != route)
                {
                    await last.FlushAsync(stop.Token).ConfigureAwait(false);
                }

                last = route;
                await route.AddAsync(reader.Document, stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Consumers learn of it through their channels, completed with this error below.
            readError = e;
        }

        foreach (var route in routes.Values)
        {
            route?.Complete(readError);
        }

        try
        {
            await Task.WhenAll(consumers).ConfigureAwait(false);
        }
        catch when (readError is not null)
        {
            // The consumers failed because reading did; the reader's error is the one to report.
        }

        if (readError is not null && !(readError is OperationCanceledException && FirstConsumerError(consumers) is not null))
        {
            throw readError;
        }

        if (FirstConsumerError(consumers) is { } consumerError)
        {
            throw consumerError;
        }
    }

    private static Exception? FirstConsumerError(List<Task> consumers) =>
        consumers.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException;

    private Route StartRoute(
        ArchiveNamespace ns,
        Func<ArchiveNamespace, ChannelReader<DocumentBatch>, CancellationToken, Task> consume,
        List<Task> consumers,
        CancellationTokenSource stop)
    {
        var channel = Channel.CreateBounded<DocumentBatch>(new BoundedChannelOptions(Math.Max(1, _options.BatchesPerNamespace))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var route = new Route(channel, _options);
        var task = Task.Run(() => consume(ns, channel.Reader, stop.Token), stop.Token);
        consumers.Add(task.ContinueWith(
            t =>
            {
                if (t.IsFaulted)
                {
                    stop.Cancel();
                }
                else
                {
                    // Returned early (or cancelled): later batches of this namespace are dropped.
                    route.Detach();
                }

                return t;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap());
        return route;
    }

    private sealed class Route(Channel<DocumentBatch> channel, ArchiveDemultiplexerOptions options)
    {
        private DocumentBatch? _pending;
        private volatile bool _detached;

        public async ValueTask AddAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken)
        {
            if (_detached)
            {
                return;
            }

            _pending ??= new DocumentBatch(Math.Max(options.BatchBytes, document.Length));
            _pending.Add(document.Span);
            if (_pending.Count >= options.BatchDocuments || _pending.Length >= options.BatchBytes)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            var batch = _pending;
            if (batch is null)
            {
                return;
            }

            _pending = null;
            if (_detached)
            {
                batch.Dispose();
                return;
            }

            try
            {
                await channel.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                batch.Dispose();
            }
            catch
            {
                batch.Dispose();
                throw;
            }
        }

        public void Detach()
        {
            _detached = true;
            channel.Writer.TryComplete();
            while (channel.Reader.TryRead(out var batch))
            {
                batch.Dispose();
            }
        }

        public void Complete(Exception? error)
        {
            _pending?.Dispose();
            _pending = null;
            channel.Writer.TryComplete(error);
        }
    }
}
