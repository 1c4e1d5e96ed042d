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
    private readonly Queue<(RawDocument Document, ResumeToken Token)> _pendingFragments = new();
    private long _position;
    private ResumeToken _postBatchToken;
    private bool _invalidated;

    // Resuming from a fragment of a split event: that event's sequence and how many of its fragments to skip.
    private (long Sequence, int Count)? _skipFragments;

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
        _postBatchToken = StartingPoint();
        _position = _postBatchToken.Fragment is null ? _postBatchToken.Sequence : _postBatchToken.Sequence - 1;
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

    private RawDocument PostBatchResumeToken() => _postBatchToken.ToDocument();

    private List<RawDocument> Read(BatchLimits limits)
    {
        var output = new List<RawDocument>();
        var max = limits.MaxDocuments > 0 ? limits.MaxDocuments : 1000;
        long bytes = 0;
        if (!TakePending(output, limits, ref bytes) || _invalidated)
        {
            return output;
        }

        var changes = new List<ChangeEvent>();
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
                var token = new ResumeToken(change.ClusterTime, change.Sequence);
                if (result is { } kept)
                {
                    RequireUnmodifiedId(document, kept);
                    var fragments = LargeEventSplitter.Fragments(kept, token, _options.SplitLargeEvents);
                    if (fragments.Count == 1 && limits.IsFull(output.Count, bytes, kept.Length))
                    {
                        return output;
                    }

                    foreach (var fragment in SkipResumedFragments(change.Sequence, fragments))
                    {
                        _pendingFragments.Enqueue(fragment);
                    }
                }

                _position = change.Sequence;
                if (result is null)
                {
                    _postBatchToken = token;
                }

                // The resume token moves with each event (or fragment) as it goes into the batch.
                if (!TakePending(output, limits, ref bytes))
                {
                    return output;
                }

                if (_options.Invalidates(change))
                {
                    var invalidate = ChangeEventDocument.Invalidate(change);
                    if (_pipeline(invalidate) is { } shown)
                    {
                        output.Add(shown);
                    }

                    _invalidated = true;
                    _postBatchToken = token with { FromInvalidate = true };
                    return output;
                }
            }

            if (scannedUpTo > _position)
            {
                // Nothing more in scope up to the log's end: remember how far we looked.
                _position = scannedUpTo;
                _postBatchToken = new ResumeToken(_changeLog.ClusterTimeOf(scannedUpTo) ?? _clock.Current, scannedUpTo);
            }

            if (changes.Count == 0)
            {
                break;
            }
        }

        return output;
    }

    /// <summary>Moves pending fragments into the batch while they fit; false when some remain for the next batch.</summary>
    private bool TakePending(List<RawDocument> output, BatchLimits limits, ref long bytes)
    {
        while (_pendingFragments.TryPeek(out var next))
        {
            if (limits.IsFull(output.Count, bytes, next.Document.Length))
            {
                return false;
            }

            _pendingFragments.Dequeue();
            output.Add(next.Document);
            bytes += next.Document.Length;
            _postBatchToken = next.Token;
        }

        return true;
    }

    /// <summary>After resuming from a fragment's token, the fragments up to it were already delivered.</summary>
    private IEnumerable<(RawDocument Document, ResumeToken Token)> SkipResumedFragments(long sequence, List<(RawDocument Document, ResumeToken Token)> fragments)
    {
        if (_skipFragments is not { } skip || skip.Sequence != sequence)
        {
            return fragments;
        }

        _skipFragments = null;
        if (fragments.Count <= skip.Count)
        {
            // The server's answer when the resumed pipeline splits the event otherwise.
            throw new CommandException(
                ServerErrorCode.ChangeStreamFatalError,
                "Attempted to resume from a split event, but the resumed stream produced a different split. Ensure that the pipeline used to resume is the same as the original");
        }

        return fragments.Skip(skip.Count);
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

    private ResumeToken StartingPoint()
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

            var firstNeeded = token.Fragment is null ? token.Sequence + 1 : token.Sequence;
            if (firstNeeded < log.OldestSequence)
            {
                throw HistoryLost();
            }

            if (token.Fragment is { } fragment)
            {
                _skipFragments = (token.Sequence, fragment + 1);
            }

            return token;
        }

        if (_options.StartAtOperationTime is { } time)
        {
            var before = log.SequenceBefore(time);
            if (before + 1 < log.OldestSequence || !log.HoldsSince(time))
            {
                throw HistoryLost();
            }

            return new ResumeToken(time, before);
        }

        return new ResumeToken(_clock.Current, log.LastSequence);
    }

    private static CommandException HistoryLost() => new(
        ServerErrorCode.ChangeStreamHistoryLost,
        "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
}
