using MongoMigrate.Bson;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Verifies a collection chunk by chunk and records what each chunk showed. An equal chunk keeps its count, so a
/// resumed run does not verify it again; a different one goes back to be copied over its _id range on the target,
/// and only those. Whether the source was written since the copy, or the target changed, is told by the digest of
/// the source's documents that the copy noted for each chunk.
/// </summary>
internal sealed class CollectionVerification
{
    private CollectionVerification(VerificationResult total, int totalChunks, int checkedChunks, int earlierChunks, int differing, int sourceWritten, int unknownCause)
    {
        Total = total;
        TotalChunks = totalChunks;
        CheckedChunks = checkedChunks;
        EarlierChunks = earlierChunks;
        DifferingChunks = differing;
        SourceWrittenChunks = sourceWritten;
        UnknownCauseChunks = unknownCause;
    }

    /// <summary>The whole collection: chunks verified now and, equal, by earlier runs.</summary>
    public VerificationResult Total { get; }

    /// <summary>The collection's chunks, compared or not.</summary>
    public int TotalChunks { get; }

    /// <summary>Chunks compared now.</summary>
    public int CheckedChunks { get; }

    /// <summary>Chunks found equal by an earlier run and not read again.</summary>
    public int EarlierChunks { get; }

    public int DifferingChunks { get; }

    /// <summary>Of the differing chunks, those whose source documents are not what the copy read.</summary>
    public int SourceWrittenChunks { get; }

    /// <summary>Of the differing chunks, those copied before the job noted digests (nothing to compare).</summary>
    public int UnknownCauseChunks { get; }

    /// <summary>Chunks whose documents the verification covers: compared now or, equal, by an earlier run.</summary>
    public int ComparedChunks => CheckedChunks + EarlierChunks;

    public bool IsEqual => DifferingChunks == 0 && Total.IsEqual;

    /// <summary>
    /// Verifies the chunks not verified yet (or all of them) and records each one's result in one change of the state.
    /// With a sample (<see cref="MigrationOptions.VerifySample"/> below 1), only the sampled chunks are compared.
    /// </summary>
    public static async Task<CollectionVerification> RunAsync(MigrationContext context, PlannedCollection planned, bool everyChunk, CancellationToken cancellationToken)
    {
        var key = planned.Record.SourceNamespace;
        var chunks = await context.State.GetChunksAsync(context.JobId, key, cancellationToken).ConfigureAwait(false);
        var sampled = RangeSample.Pick(chunks.Count, context.Options.VerifySample).ToHashSet();
        var toCheck = chunks.Where(c => sampled.Contains(c.Index) && (everyChunk || c.VerifiedDocuments is null)).ToList();
        var verifier = new CollectionVerifier(context.Source, context.Target);
        using var gate = new SemaphoreSlim(Math.Max(1, context.Options.DumpWorkers));
        var results = await Task.WhenAll(toCheck.Select(async chunk =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await context.Retry.ExecuteAsync(
                    async token => await verifier.VerifyAsync(planned.Collection.Namespace, planned.Target, new RawDocument(chunk.Filter), token).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                return (Chunk: chunk, Found: result);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);

        var records = new List<ChunkVerification>(results.Length);
        int differing = 0, written = 0, unknown = 0;
        foreach (var (chunk, result) in results)
        {
            if (result.IsEqual)
            {
                records.Add(new ChunkVerification(chunk.Index, result.Identical, null));
                continue;
            }

            differing++;
            var sourceWritten = chunk.SourceDigest is { } read && (read != result.SourceDigest || chunk.Documents != result.SourceDocuments);
            written += sourceWritten ? 1 : 0;
            unknown += chunk.SourceDigest is null ? 1 : 0;
            records.Add(new ChunkVerification(
                chunk.Index,
                result.Identical,
                $"verification found {result.Missing} missing, {result.Extra} extra and {result.Different} different documents"
                + (sourceWritten ? "; the source was written since the copy read it" : chunk.SourceDigest is null ? string.Empty : "; the source is unchanged, the target changed")));
        }

        // All equal, the collection is completed next and its proof stored with it: the chunks need no change of the
        // state of their own (a thousand small collections notice one sync more each). A crash in between verifies again.
        if (differing > 0)
        {
            await context.State.RecordChunkVerificationsAsync(context.JobId, key, records, cancellationToken).ConfigureAwait(false);
        }

        var total = new VerificationResult { SourceNamespace = planned.Collection.Namespace.FullName, TargetNamespace = planned.Target.FullName };
        total = results.Aggregate(total, (sum, next) => sum + next.Found);
        var earlier = chunks.Where(c => !everyChunk && c.VerifiedDocuments is not null).ToList();
        var identicalEarlier = earlier.Sum(c => c.VerifiedDocuments!.Value);
        total = total with
        {
            SourceDocuments = total.SourceDocuments + identicalEarlier,
            TargetDocuments = total.TargetDocuments + identicalEarlier,
            Identical = total.Identical + identicalEarlier,
        };
        return new CollectionVerification(total, chunks.Count, results.Length, earlier.Count, differing, written, unknown);
    }

    /// <summary>
    /// One line for a collection that is not equal: what differs, in how many chunks, which side changed, and what a
    /// resumed run does about it. <paramref name="completedAt"/> is when the job had completed, for a completed job verified again.
    /// </summary>
    public string Describe(DateTimeOffset? completedAt, string resumeCommand)
    {
        var t = Total;
        var what = $"{t.Missing} missing, {t.Extra} extra and {t.Different} different documents in {DifferingChunks} of {CheckedChunks + EarlierChunks} chunk(s)"
            + (t.Examples.Count > 0 ? $" ({string.Join("; ", t.Examples.Take(3))})" : string.Empty);
        var cause = SourceWrittenChunks > 0
            ? $" The source was written during the copy ({SourceWrittenChunks} chunk(s) read differently now): writes made during an offline copy are not followed; stop writes or use online migration (--online)."
            : UnknownCauseChunks == DifferingChunks ? string.Empty
            : " The source is unchanged since it was copied, so the target lost or changed documents (did something else write to it?).";
        var start = completedAt is { } at
            ? $"no longer equal to the source since the job completed on {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: verification found {what}."
            : $"verification found {what}.";
        var next = completedAt is null
            ? $" Run again with {resumeCommand}: it copies those chunk(s) again over their _id ranges on the target and verifies them."
            : $" Run {resumeCommand} again to copy those chunk(s) again over their _id ranges on the target (documents written there since are replaced), or leave the target as it is.";
        return start + cause + next;
    }
}
