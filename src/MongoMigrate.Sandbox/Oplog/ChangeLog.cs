using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Oplog;

/// <summary>
/// The server-wide, bounded log of changes that change streams read, like a replica set's oplog:
/// every write the storage reports appends an event with increasing sequence numbers and cluster times; the oldest events
/// fall out when the log is full, and a stream that needs them gets ChangeStreamHistoryLost.
/// </summary>
internal sealed class ChangeLog : IStorageObserver
{
    /// <summary>The operation type of no-op entries, which no stream shows.</summary>
    public const string NoopOperation = "noop";

    private static readonly RawDocument NoopMessage = new BsonBuilder().StartDocument().String("msg", "periodic noop").End().ToDocument();

    private readonly Lock _lock = new();
    private readonly ClusterClock _clock;
    private readonly int _capacity;
    private readonly long _maxBytes;
    private ChangeEvent[] _ring = new ChangeEvent[1024];
    private int _head;
    private int _count;
    private long _nextSequence = 1;
    private long _bytes;

    // The cluster time of the newest event that fell out: a stream starting at or before it would miss events.
    private ulong _newestDroppedTime;
    private TaskCompletionSource _appended = NewSignal();
    private int _writtenSinceNoopCheck;

    public ChangeLog(ClusterClock clock, int capacity, long maxBytes)
    {
        _clock = clock;
        _capacity = Math.Max(16, capacity);
        _maxBytes = Math.Max(1, maxBytes);
    }

    /// <summary>The bytes of documents the events held now keep alive (images, update descriptions, ids).</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The sequence number of the newest event, or 0 when nothing was written yet.</summary>
    public long LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _nextSequence - 1;
            }
        }
    }

    /// <summary>The oldest sequence number still held.</summary>
    public long OldestSequence
    {
        get
        {
            lock (_lock)
            {
                return _count == 0 ? _nextSequence : _ring[_head].Sequence;
            }
        }
    }

    /// <summary>Appends the storage's change as the next event, with the next sequence number and cluster time.</summary>
    public ulong NextClusterTime() => _clock.Tick();

    public void OnChange(in StorageChange change)
    {
        var updateDescription = change is { OperationType: "update", PreImage: { } before, PostImage: { } after }
            ? UpdateDescription.Diff(before, after)
            : (RawDocument?)null;

        // Images are kept only where a stream may show them: an insert's or replace's document always,
        // and the before and after of updates, replaces and deletes only when the collection records
        // pre- and post-images, as the server keeps them in config.system.preimages only then.
        var keepsImages = change.ImagesEnabled;
        Append(new PendingEvent(change.OperationType, change.Namespace)
        {
            CollectionUuid = change.CollectionUuid,
            DocumentId = change.DocumentId is { } id ? new RawBsonValue(id.Type, id.Bytes.ToArray()) : null,
            PostImage = change.OperationType is "insert" or "replace" || keepsImages ? change.PostImage : null,
            PreImage = keepsImages ? change.PreImage : null,
            UpdateDescription = updateDescription,
            RenameTarget = change.RenameTarget,
            OperationDescription = change.OperationDescription,
            ImagesEnabled = keepsImages,
            IsView = change.IsView,
        });
    }

    /// <summary>
    /// Writes a no-op entry when nothing else was written since the last call, as a replica set's primary
    /// writes one every 10 seconds: the cluster time moves on, and idle change streams' resume tokens with it.
    /// </summary>
    public void AppendNoopIfIdle()
    {
        if (Interlocked.Exchange(ref _writtenSinceNoopCheck, 0) == 0)
        {
            Append(new PendingEvent(NoopOperation, new Namespace("admin", "$cmd")) { OperationDescription = NoopMessage });
        }
    }

    /// <summary>appendOplogNote: a no-op entry carrying the caller's data, which moves the cluster time on.</summary>
    public ulong AppendNote(RawDocument data)
    {
        Append(new PendingEvent(NoopOperation, new Namespace("admin", "$cmd")) { OperationDescription = data });
        lock (_lock)
        {
            return _ring[(_head + _count - 1) % _ring.Length].ClusterTime;
        }
    }

    /// <summary>The cluster time of the event with that sequence number, if the log still holds it.</summary>
    public ulong? ClusterTimeOf(long sequence)
    {
        lock (_lock)
        {
            var oldest = _count == 0 ? _nextSequence : _ring[_head].Sequence;
            var index = sequence - oldest;
            return index >= 0 && index < _count ? _ring[(int)((_head + index) % _ring.Length)].ClusterTime : null;
        }
    }

    private void Append(PendingEvent pending)
    {
        if (pending.OperationType != NoopOperation)
        {
            Interlocked.Exchange(ref _writtenSinceNoopCheck, 1);
        }

        TaskCompletionSource signal;
        lock (_lock)
        {
            var entry = new ChangeEvent
            {
                Sequence = _nextSequence++,
                ClusterTime = _clock.Tick(),
                WallTimeMilliseconds = _clock.WallTimeMilliseconds,
                OperationType = pending.OperationType,
                Namespace = pending.Namespace,
                CollectionUuid = pending.CollectionUuid,
                DocumentId = pending.DocumentId,
                PostImage = pending.PostImage,
                PreImage = pending.PreImage,
                UpdateDescription = pending.UpdateDescription,
                RenameTarget = pending.RenameTarget,
                OperationDescription = pending.OperationDescription,
                ImagesEnabled = pending.ImagesEnabled,
                IsView = pending.IsView,
            };

            // The oldest events fall out past the count or the byte budget; the newest always stays.
            while (_count > 0 && (_count >= _capacity || _bytes + entry.Size > _maxBytes))
            {
                var oldest = _ring[_head];
                _bytes -= oldest.Size;
                _newestDroppedTime = oldest.ClusterTime;
                _ring[_head] = null!;
                _head = (_head + 1) % _ring.Length;
                _count--;
            }

            if (_count == _ring.Length)
            {
                Grow();
            }

            _ring[(_head + _count) % _ring.Length] = entry;
            _count++;
            _bytes += entry.Size;
            signal = _appended;
            _appended = NewSignal();
        }

        // Wake waiting change streams outside the lock.
        signal.TrySetResult();
    }

    /// <summary>
    /// Copies up to <paramref name="max"/> events after <paramref name="afterSequence"/> that pass <paramref name="filter"/>.
    /// Returns false when events the reader needs have already fallen out of the log.
    /// <paramref name="scannedUpTo"/> is the last sequence examined, so a reader can resume past skipped events.
    /// </summary>
    public bool TryRead(long afterSequence, int max, Func<ChangeEvent, bool> filter, List<ChangeEvent> output, out long scannedUpTo)
    {
        lock (_lock)
        {
            scannedUpTo = afterSequence;
            var oldest = _count == 0 ? _nextSequence : _ring[_head].Sequence;
            if (afterSequence + 1 < oldest)
            {
                return false;
            }

            var start = (int)(afterSequence + 1 - oldest);
            for (var i = start; i < _count && output.Count < max; i++)
            {
                var change = _ring[(_head + i) % _ring.Length];
                scannedUpTo = change.Sequence;
                if (filter(change))
                {
                    output.Add(change);
                }
            }

            if (output.Count < max)
            {
                scannedUpTo = Math.Max(scannedUpTo, _nextSequence - 1);
            }

            return true;
        }
    }

    /// <summary>Whether every event at or after <paramref name="clusterTime"/> is still held: none of them fell out of the log.</summary>
    public bool HoldsSince(ulong clusterTime)
    {
        lock (_lock)
        {
            return _newestDroppedTime < clusterTime;
        }
    }

    /// <summary>The first sequence whose cluster time is at or after <paramref name="clusterTime"/>, minus one.</summary>
    public long SequenceBefore(ulong clusterTime)
    {
        lock (_lock)
        {
            for (var i = 0; i < _count; i++)
            {
                var change = _ring[(_head + i) % _ring.Length];
                if (change.ClusterTime >= clusterTime)
                {
                    return change.Sequence - 1;
                }
            }

            return _nextSequence - 1;
        }
    }

    /// <summary>True when an event after <paramref name="afterSequence"/> exists (at once or within the timeout), false after the timeout.</summary>
    public async Task<bool> WaitForEventAsync(long afterSequence, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            if (_nextSequence - 1 > afterSequence)
            {
                return true;
            }

            signal = _appended.Task;
        }

        try
        {
            await signal.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            // An empty batch after maxAwaitTimeMS is the normal answer.
            return false;
        }
    }

    private void Grow()
    {
        var larger = new ChangeEvent[Math.Min(_capacity, _ring.Length * 2)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An event before it gets its sequence number and cluster time.</summary>
    private sealed record PendingEvent(string OperationType, Namespace Namespace)
    {
        public Guid CollectionUuid { get; init; }

        public RawBsonValue? DocumentId { get; init; }

        public RawDocument? PostImage { get; init; }

        public RawDocument? PreImage { get; init; }

        public RawDocument? UpdateDescription { get; init; }

        public Namespace? RenameTarget { get; init; }

        public RawDocument? OperationDescription { get; init; }

        public bool ImagesEnabled { get; init; }

        public bool IsView { get; init; }
    }
}
