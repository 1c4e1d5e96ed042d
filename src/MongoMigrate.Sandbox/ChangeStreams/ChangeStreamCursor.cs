using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Cursors;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>
/// A change stream: reads the change log after its position, renders events, runs them through the rest
/// of the pipeline, and on getMore waits up to maxAwaitTimeMS for new events. Every batch carries a
/// postBatchResumeToken, so a resumed stream starts exactly where this one stopped.
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

    public override async ValueTask<CursorBatch> NextBatchAsync(BatchLimits limits, CancellationToken cancellationToken)
    {
        var batch = Read(limits);
        if (batch.Count == 0 && !_invalidated && limits.MaxAwait > TimeSpan.Zero)
        {
            await _changeLog.WaitForEventAsync(_position, limits.MaxAwait, _timeProvider, cancellationToken).ConfigureAwait(false);
            batch = Read(limits);
        }

        return new CursorBatch(batch, _invalidated)
        {
            PostBatchResumeToken = new ResumeToken(_positionTime, _position).ToDocument(),
        };
    }

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
                if (result is { } kept && limits.IsFull(output.Count, bytes, kept.Length))
                {
                    return output;
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
                    output.Add(ChangeEventDocument.Invalidate(change));
                    _invalidated = true;
                    return output;
                }
            }

            if (scannedUpTo > _position)
            {
                // Nothing more in scope up to the log's end: remember how far we looked.
                _position = scannedUpTo;
                _positionTime = _clock.Current;
            }

            if (changes.Count == 0)
            {
                break;
            }
        }

        return output;
    }

    private (long Sequence, ulong Time) StartingPoint()
    {
        var log = _changeLog;
        if ((_options.ResumeAfter ?? _options.StartAfter) is { } tokenValue)
        {
            var token = ResumeToken.Parse(tokenValue);
            if (token.Sequence + 1 < log.OldestSequence)
            {
                throw HistoryLost();
            }

            return (token.Sequence, token.ClusterTime);
        }

        if (_options.StartAtOperationTime is { } time)
        {
            var before = log.SequenceBefore(time);
            if (before + 1 < log.OldestSequence || !log.HoldsSince(time))
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
