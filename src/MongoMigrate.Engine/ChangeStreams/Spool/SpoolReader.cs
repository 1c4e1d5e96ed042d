namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>
/// Reads the spool's records in order from a sequence number on, across segments, checking every checksum
/// and never reading past what the writer committed. One record in memory at a time.
/// </summary>
public sealed class SpoolReader : IDisposable
{
    private readonly ChangeSpool _spool;
    private readonly int _bufferBytes;
    private SpoolSegment? _segment;
    private SpoolScanner? _scanner;

    internal SpoolReader(ChangeSpool spool, long sequence, int bufferBytes)
    {
        _spool = spool;
        _bufferBytes = bufferBytes;
        NextSequence = sequence;
    }

    /// <summary>The sequence number of the next record this reader returns (or a later one).</summary>
    public long NextSequence { get; private set; }

    /// <summary>The next committed record, or null when the reader has caught up with the writer.</summary>
    /// <exception cref="SpoolCorruptedException">A record does not match its checksum.</exception>
    public async ValueTask<SpoolRecord?> TryReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_scanner is null)
            {
                _segment = _spool.SegmentFor(NextSequence);
                if (_segment is null)
                {
                    return null;
                }

                _scanner = new SpoolScanner(_segment.Path, _bufferBytes);
            }

            // Sealed first: once sealed, the committed length read after it is final.
            var isSealed = _segment!.IsSealed;
            var (result, record) = await _scanner.ReadAsync(_segment.CommittedBytes, skipPayload: false, cancellationToken).ConfigureAwait(false);
            switch (result)
            {
                case SpoolReadResult.Record when record!.Sequence < NextSequence:
                    continue;
                case SpoolReadResult.Record:
                    NextSequence = record.Sequence + 1;
                    return record;
                case SpoolReadResult.End when isSealed:
                    var next = _spool.SegmentAfter(_segment);
                    _scanner.Dispose();
                    _scanner = null;
                    if (next is null)
                    {
                        return null;
                    }

                    NextSequence = Math.Max(NextSequence, next.FirstSequence);
                    continue;
                case SpoolReadResult.End:
                    return null;
                default:
                    throw new SpoolCorruptedException(_scanner.Path, _scanner.Offset, "a committed record does not match its checksum");
            }
        }
    }

    /// <summary>The next record, waiting (without polling) for capture to commit one.</summary>
    public async ValueTask<SpoolRecord> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryReadAsync(cancellationToken).ConfigureAwait(false) is { } record)
            {
                return record;
            }

            await _spool.WaitForRecordAsync(NextSequence, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _scanner?.Dispose();
}
