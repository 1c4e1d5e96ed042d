using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Verification;

/// <summary>
/// Proves a copy: reads the same _id range from source and target in _id order and merges the two
/// streams, comparing every document's bytes. Memory holds one batch per side, whatever the size.
/// </summary>
public sealed class CollectionVerifier(IMongoClient source, IMongoClient target)
{
    /// <summary>How many mismatching documents are named in a result; beyond, they are only counted.</summary>
    public int MismatchLimit { get; init; } = 10;

    /// <summary>Compares the documents matching <paramref name="filter"/> (an _id range, or empty for all).</summary>
    public async Task<VerificationResult> VerifyAsync(NamespaceName sourceNs, NamespaceName targetNs, RawDocument filter, CancellationToken cancellationToken)
    {
        using var left = new SortedStream(new RawCommandRunner(source.GetDatabase(sourceNs.Database)), sourceNs.Collection, filter);
        using var right = new SortedStream(new RawCommandRunner(target.GetDatabase(targetNs.Database)), targetNs.Collection, filter);
        long sourceCount = 0, targetCount = 0, identical = 0, missing = 0, extra = 0, different = 0;
        var mismatches = new List<DocumentMismatch>();
        var digest = new DocumentDigest();
        var targetDigest = new DocumentDigest();
        var l = await left.NextAsync(cancellationToken).ConfigureAwait(false);
        var r = await right.NextAsync(cancellationToken).ConfigureAwait(false);
        while (l is not null || r is not null)
        {
            var order = l is null ? 1 : r is null ? -1 : BsonOrder.CompareValues(Id(l.Value), Id(r.Value));
            if (order <= 0)
            {
                digest.Add(l!.Value.Span);
            }

            if (order >= 0)
            {
                targetDigest.Add(r!.Value.Span);
            }

            if (order < 0)
            {
                sourceCount++;
                missing++;
                Note(mismatches, () => new DocumentMismatch(MismatchKind.Missing, BsonDebugText.Format(Id(l!.Value))) { Key = KeyOf(l!.Value) });
                l = await left.NextAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (order > 0)
            {
                targetCount++;
                extra++;
                Note(mismatches, () => new DocumentMismatch(MismatchKind.Extra, BsonDebugText.Format(Id(r!.Value))) { Key = KeyOf(r!.Value) });
                r = await right.NextAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                sourceCount++;
                targetCount++;
                if (l!.Value.Span.SequenceEqual(r!.Value.Span))
                {
                    identical++;
                }
                else
                {
                    different++;
                    Note(mismatches, () => new DocumentMismatch(MismatchKind.Different, BsonDebugText.Format(Id(l.Value)), FirstDifference.Of(l.Value, r.Value)) { Key = KeyOf(l.Value) });
                }

                l = await left.NextAsync(cancellationToken).ConfigureAwait(false);
                r = await right.NextAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new VerificationResult
        {
            SourceNamespace = sourceNs.FullName,
            TargetNamespace = targetNs.FullName,
            SourceDocuments = sourceCount,
            TargetDocuments = targetCount,
            Identical = identical,
            Missing = missing,
            Extra = extra,
            Different = different,
            SourceDigest = digest.Value,
            TargetDigest = targetDigest.Value,
            Mismatches = mismatches,
        };
    }

    private static RawBsonValue Id(RawDocument document) =>
        document.TryGetValue("_id"u8, out var id) ? id : throw new MigrationException("A document without _id was found while verifying.");

    /// <summary>A copy of the document's _id: the document's bytes are a pooled reply, given back as the merge moves on.</summary>
    private static RawBsonValue KeyOf(RawDocument document)
    {
        var id = Id(document);
        return new RawBsonValue(id.Type, id.Bytes.ToArray());
    }

    private void Note(List<DocumentMismatch> mismatches, Func<DocumentMismatch> mismatch)
    {
        if (mismatches.Count < MismatchLimit)
        {
            mismatches.Add(mismatch());
        }
    }

    /// <summary>
    /// One side's documents in _id order, a batch at a time. Each reply is read into a pooled buffer, given back as soon
    /// as the next one is asked for (the merge holds one document per side, and keeps nothing of it but text): a fresh
    /// megabyte array per reply went to the large-object heap, which grew with the size of the collection until a full
    /// collection, and made the verification's peak memory grow with the data.
    /// </summary>
    private sealed class SortedStream(RawCommandRunner runner, string collection, RawDocument filter) : IDisposable
    {
        /// <summary>As many documents as the copy's reads and inserts take at once: about a megabyte of 1 KB documents.</summary>
        private const int BatchSize = 1000;

        private RawCursor? _cursor;
        private RawBatch? _batch;
        private int _position;
        private bool _done;

        public async ValueTask<RawDocument?> NextAsync(CancellationToken cancellationToken)
        {
            while (!_done && (_batch is null || _position >= _batch.Count))
            {
                if (_cursor is null)
                {
                    var find = new FindCommand(collection) { Filter = filter, SortAscending = "_id", HintId = true, BatchSize = BatchSize }.Build();
                    _cursor = await RawCursor.OpenPooledAsync(runner, find, BatchSize, cancellationToken).ConfigureAwait(false);
                }

                _batch?.Dispose();
                _batch = await _cursor.NextRawBatchAsync(cancellationToken).ConfigureAwait(false);
                _position = 0;
                _done = _batch is null;
            }

            return _done ? null : _batch![_position++];
        }

        public void Dispose()
        {
            _batch?.Dispose();
            _batch = null;
        }
    }
}
