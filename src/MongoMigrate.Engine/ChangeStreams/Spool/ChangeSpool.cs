using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ChunkStorage;

namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>
/// The captured changes on disk, between capture and apply: append-only segment files of checksummed
/// records in the job's work folder, numbered by a sequence that never repeats. Capture appends (and waits
/// while the disk budget is spent), apply reads from a sequence on, and segments are deleted whole once
/// everything in them is applied. So capture does not depend on the source's oplog window, and memory
/// holds one record per reader whatever the spool's size.
/// </summary>
public sealed class ChangeSpool : IChangeEventSink, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<SpoolSegment> _segments;
    private readonly SpoolOptions _options;
    private readonly DiskBudget _budget;
    private readonly byte[] _header = new byte[SpoolRecordFormat.HeaderSize];
    private readonly byte[] _bodyPrefix = new byte[SpoolRecordFormat.BodyPrefixSize];
    private FileStream? _writer;
    private long _writerBytes;
    private long _nextSequence;
    private RawDocument? _lastToken;
    private TaskCompletionSource _appended = NewSignal();

    private ChangeSpool(string folder, SpoolOptions options, DiskBudget budget, List<SpoolSegment> segments, long nextSequence, RawDocument? lastToken)
    {
        Folder = folder;
        _options = options;
        _budget = budget;
        _segments = segments;
        _nextSequence = nextSequence;
        _lastToken = lastToken;
    }

    public string Folder { get; }

    /// <summary>The sequence number the next record gets; every record before it is committed.</summary>
    public long NextSequence
    {
        get
        {
            lock (_lock)
            {
                return _nextSequence;
            }
        }
    }

    /// <summary>The token of the last record (where capture resumes), or null for an empty spool.</summary>
    public RawDocument? LastToken
    {
        get
        {
            lock (_lock)
            {
                return _lastToken;
            }
        }
    }

    /// <summary>Bytes of the segment files on disk.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _segments.Sum(s => s.CommittedBytes);
            }
        }
    }

    /// <summary>Segment files on disk.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>Called with each committed event count (for progress).</summary>
    public Action<int>? EventsAppended { get; set; }

    /// <summary>
    /// Opens the spool in <paramref name="folder"/> (creating it): a torn record a crash left at the end is cut
    /// off; a damaged record before the end is an error. Sequence numbers continue after the last record and
    /// never fall below <paramref name="minimumNextSequence"/> (the applied checkpoint).
    /// </summary>
    /// <exception cref="SpoolCorruptedException">A record other than the last fails its checksum.</exception>
    public static async Task<ChangeSpool> OpenAsync(string folder, DiskBudget budget, SpoolOptions? options = null, long minimumNextSequence = 0, CancellationToken cancellationToken = default)
    {
        options ??= new SpoolOptions();
        options.Validate();
        Directory.CreateDirectory(folder);
        var segments = new List<SpoolSegment>();
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            if (SpoolSegment.TryParseFileName(path, out var first))
            {
                segments.Add(new SpoolSegment(path, first, new FileInfo(path).Length));
            }
        }

        segments.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        var next = minimumNextSequence;
        RawDocument? lastToken = null;
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            var (segmentNext, token) = await RecoverAsync(segments[i], isLast: i == segments.Count - 1, options.BufferBytes, cancellationToken).ConfigureAwait(false);
            next = Math.Max(next, segmentNext);
            if (token is not null)
            {
                lastToken = token;
                break;
            }
        }

        while (segments.Count > 0 && segments[^1].CommittedBytes == 0)
        {
            // A segment created just before a crash, with nothing in it: the next append creates it again.
            File.Delete(segments[^1].Path);
            segments.RemoveAt(segments.Count - 1);
        }

        foreach (var segment in segments)
        {
            segment.Seal();
            segment.Reserved = Math.Max(segment.CommittedBytes, options.SegmentBytes);
            budget.Adjust(segment.Reserved);
        }

        return new ChangeSpool(folder, options, budget, segments, next, lastToken);
    }

    /// <summary>Appends a capture batch: its events, or, for an empty batch, its post-batch token; then commits.</summary>
    public async ValueTask WriteAsync(ChangeStreamBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Events.Count > 0)
        {
            foreach (var change in batch.Events)
            {
                await AppendAsync(SpoolRecordKind.Event, change, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (batch.PostBatchResumeToken is { } progress && !(LastToken is { } last && last.Equals(progress)))
        {
            await AppendAsync(SpoolRecordKind.Progress, progress, cancellationToken).ConfigureAwait(false);
        }

        await CommitAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Events.Count > 0)
        {
            EventsAppended?.Invoke(batch.Events.Count);
        }
    }

    /// <summary>Appends one record (not yet visible to readers: see <see cref="CommitAsync"/>).</summary>
    public async ValueTask AppendAsync(SpoolRecordKind kind, RawDocument payload, CancellationToken cancellationToken)
    {
        if (_writer is null || _writerBytes >= _options.SegmentBytes)
        {
            await RotateAsync(cancellationToken).ConfigureAwait(false);
        }

        long sequence;
        lock (_lock)
        {
            sequence = _nextSequence;
        }

        SpoolRecordFormat.WriteHeader(_header, sequence, kind, payload.Span, _bodyPrefix);
        await _writer!.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        await _writer.WriteAsync(_bodyPrefix, cancellationToken).ConfigureAwait(false);
        await _writer.WriteAsync(payload.Bytes, cancellationToken).ConfigureAwait(false);
        _writerBytes += SpoolRecordFormat.HeaderSize + SpoolRecordFormat.BodyPrefixSize + payload.Length;
        lock (_lock)
        {
            _nextSequence = sequence + 1;
            _lastToken = kind == SpoolRecordKind.Event ? new RawDocument(payload["_id"].AsDocument.Span.ToArray()) : new RawDocument(payload.Span.ToArray());
        }
    }

    /// <summary>Hands what was appended to the operating system and makes it visible to readers.</summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            return;
        }

        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        TaskCompletionSource appended;
        lock (_lock)
        {
            _segments[^1].Commit(_writerBytes, _nextSequence);
            appended = _appended;
            _appended = NewSignal();
        }

        appended.TrySetResult();
    }

    /// <summary>Completes once a record at or after <paramref name="sequence"/> is committed.</summary>
    public Task WaitForRecordAsync(long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _nextSequence > sequence ? Task.CompletedTask : _appended.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A reader from <paramref name="sequence"/> on (the first record at or after it).</summary>
    public SpoolReader OpenReader(long sequence) => new(this, sequence, _options.BufferBytes);

    /// <summary>Deletes the segments whose every record comes before <paramref name="sequence"/> (all applied); the segment being written stays.</summary>
    /// <returns>How many segment files were deleted.</returns>
    public int DeleteBefore(long sequence)
    {
        List<SpoolSegment> deleted = [];
        lock (_lock)
        {
            while (_segments.Count > 1 && _segments[1].FirstSequence <= sequence)
            {
                deleted.Add(_segments[0]);
                _segments.RemoveAt(0);
            }
        }

        foreach (var segment in deleted)
        {
            File.Delete(segment.Path);
            _budget.Release(segment.Reserved);
        }

        return deleted.Count;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }

    /// <summary>The segments a reader at <paramref name="sequence"/> needs: the one holding it and all later ones.</summary>
    internal SpoolSegment? SegmentFor(long sequence)
    {
        lock (_lock)
        {
            SpoolSegment? found = null;
            foreach (var segment in _segments)
            {
                if (segment.FirstSequence <= sequence)
                {
                    found = segment;
                }
                else
                {
                    return found ?? segment;
                }
            }

            return found;
        }
    }

    /// <summary>The segment after <paramref name="segment"/>, or null when it is the last.</summary>
    internal SpoolSegment? SegmentAfter(SpoolSegment segment)
    {
        lock (_lock)
        {
            return _segments.Find(s => s.FirstSequence > segment.FirstSequence);
        }
    }

    private async ValueTask RotateAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            _writer.Flush(flushToDisk: true);
            await CommitAsync(cancellationToken).ConfigureAwait(false);
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        // Waits while the spool holds its whole budget: capture slows down instead of filling the disk.
        await _budget.AcquireAsync(_options.SegmentBytes, cancellationToken).ConfigureAwait(false);
        long first;
        lock (_lock)
        {
            first = _nextSequence;
        }

        var path = Path.Combine(Folder, SpoolSegment.FileName(first));
        _writer = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = _options.BufferBytes,
            Options = FileOptions.Asynchronous,
        });
        _writerBytes = 0;
        lock (_lock)
        {
            if (_segments.Count > 0)
            {
                _segments[^1].Seal();
            }

            _segments.Add(new SpoolSegment(path, first, 0) { Reserved = _options.SegmentBytes });
        }
    }

    /// <summary>Checks a segment found at opening; cuts a torn tail off the last one.</summary>
    private static async Task<(long NextSequence, RawDocument? LastToken)> RecoverAsync(SpoolSegment segment, bool isLast, int bufferBytes, CancellationToken cancellationToken)
    {
        var next = segment.FirstSequence;
        RawDocument? token = null;
        long validBytes;
        using (var scanner = new SpoolScanner(segment.Path, bufferBytes))
        {
            var length = segment.CommittedBytes;
            while (true)
            {
                var (result, record) = await scanner.ReadAsync(length, skipPayload: false, cancellationToken).ConfigureAwait(false);
                if (result == SpoolReadResult.Record)
                {
                    next = record!.Sequence + 1;
                    token = record.Token;
                    continue;
                }

                if (result == SpoolReadResult.Corrupt || (result == SpoolReadResult.Torn && !isLast))
                {
                    throw new SpoolCorruptedException(segment.Path, scanner.Offset, "a record does not match its checksum");
                }

                validBytes = scanner.Offset;
                break;
            }
        }

        if (validBytes < segment.CommittedBytes)
        {
            // The record a crash cut short: capture writes it again after the previous token.
            using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete);
            file.SetLength(validBytes);
            file.Flush(flushToDisk: true);
        }

        segment.Commit(validBytes, next);
        return (next, token);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
