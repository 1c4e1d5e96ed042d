using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Cursors;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>
/// A change stream: reads the change log after its position, renders events, runs them through the rest
/// of the pipeline, and on getMore waits up to maxAwaitTimeMS for new events. Every batch carries a
/// postBatchResumeToken, so a resumed stream starts exactly where this one stopped; it advances while
/// the stream is idle, as the log's periodic no-op entries move the cluster time on.
/// </summary>
internal sealed class ChangeStreamCursor : ServerCursor
{
    private readonly ChangeLog _changeLog;
    private readonly ClusterClock _clock;
    private readonly Catalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly ChangeStreamOptions _options;
    private readonly Func<RawDocument, RawDocument?> _pipeline;
    private long _position;
    private ulong _positionTime;
    private bool _invalidated;
    private bool _positionIsInvalidate;

    public ChangeStreamCursor(
        ChangeLog changeLog,
        ClusterClock clock,
        Catalog catalog,
        TimeProvider timeProvider,
        ChangeStreamOptions options,
        Func<RawDocument, RawDocument?> pipeline)
        : base(options.CursorNamespace)
    {
        _changeLog = changeLog;
        _clock = clock;
        _catalog = catalog;
        _timeProvider = timeProvider;
        _options = options;
        _pipeline = pipeline;
        (_position, _positionTime) = StartingPoint();
    }

    public override CursorBatch EmptyBatch() => new([], Exhausted: false) { PostBatchResumeToken = PostBatchResumeToken() };

    public override async ValueTask<CursorBatch> NextBatchAsync(BatchLimits limits, CancellationToken cancellationToken)
    {
        var batch = Read(limits);
        if (batch.Count == 0 && !_invalidated && limits.MaxAwait > TimeSpan.Zero)
        {
            // Wait for an event this stream shows, until maxAwaitTimeMS runs out: every append wakes the
            // wait, and events outside the stream's scope (or no-ops) only move its position on.
            var started = _timeProvider.GetTimestamp();
            while (batch.Count == 0 && !_invalidated)
            {
                var remaining = limits.MaxAwait - _timeProvider.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero
                    || !await _changeLog.WaitForEventAsync(_position, remaining, _timeProvider, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                batch = Read(limits);
            }
        }

        return new CursorBatch(batch, _invalidated) { PostBatchResumeToken = PostBatchResumeToken() };
    }

    private RawDocument PostBatchResumeToken() => new ResumeToken(_positionTime, _position, _positionIsInvalidate).ToDocument();

    private List<RawDocument> Read(BatchLimits limits)
    {
        var output = new List<RawDocument>();
        if (_invalidated)
        {
            return output;
        }

        var max = limits.MaxDocuments > 0 ? limits.MaxDocuments : 1000;
        var changes = new List<ChangeEvent>();
        long bytes = 0;
        while (output.Count < max && !_invalidated)
        {
            changes.Clear();
            if (!_changeLog.TryRead(_position, max - output.Count, _options.Covers, changes, out var scannedUpTo))
            {
                throw HistoryLost();
            }

            foreach (var change in changes)
            {
                var document = ChangeEventDocument.Create(change, _options, _catalog);
                var result = _pipeline(document);
                if (result is { } kept)
                {
                    RequireUnmodifiedId(document, kept);
                    if (limits.IsFull(output.Count, bytes, kept.Length))
                    {
                        return output;
                    }
                }

                _position = change.Sequence;
                _positionTime = change.ClusterTime;
                if (result is { } accepted)
                {
                    output.Add(accepted);
                    bytes += accepted.Length;
                }

                if (_options.Invalidates(change))
                {
                    var invalidate = ChangeEventDocument.Invalidate(change);
                    if (_pipeline(invalidate) is { } shown)
                    {
                        output.Add(shown);
                    }

                    _invalidated = true;
                    _positionIsInvalidate = true;
                    return output;
                }
            }

            if (scannedUpTo > _position)
            {
                // Nothing more in scope up to the log's end: remember how far we looked.
                _position = scannedUpTo;
                _positionTime = _changeLog.ClusterTimeOf(scannedUpTo) ?? _clock.Current;
            }

            if (changes.Count == 0)
            {
                break;
            }
        }

        return output;
    }

    /// <summary>
    /// The pipeline must keep each event's _id, which is its resume token, as it was: the server fails the
    /// stream otherwise (ChangeStreamFatalError 280, from its DocumentSourceChangeStreamEnsureResumeTokenPresent checks).
    /// </summary>
    private static void RequireUnmodifiedId(RawDocument original, RawDocument result)
    {
        if (!result.TryGetValue("_id"u8, out var id) || !original.TryGetValue("_id"u8, out var token) || !id.Equals(token))
        {
            throw new CommandException(
                ServerErrorCode.ChangeStreamFatalError,
                "Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.");
        }
    }

    private (long Sequence, ulong Time) StartingPoint()
    {
        var log = _changeLog;
        if ((_options.ResumeAfter ?? _options.StartAfter) is { } tokenValue)
        {
            var token = ResumeToken.Parse(tokenValue);
            if (token.FromInvalidate && _options.ResumeAfter is not null)
            {
                // The server: InvalidResumeToken, "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification."
                throw new CommandException(
                    ServerErrorCode.InvalidResumeToken,
                    "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.");
            }

            if (token.Sequence + 1 < log.OldestSequence)
            {
                throw HistoryLost();
            }

            return (token.Sequence, token.ClusterTime);
        }

        if (_options.StartAtOperationTime is { } time)
        {
            var before = log.SequenceBefore(time);
            if (before + 1 < log.OldestSequence)
            {
                throw HistoryLost();
            }

            return (before, time);
        }

        return (log.LastSequence, _clock.Current);
    }

    private static CommandException HistoryLost() => new(
        ServerErrorCode.ChangeStreamHistoryLost,
        "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
}
