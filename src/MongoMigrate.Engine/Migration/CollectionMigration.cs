using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// One collection of a run, from wherever its state says it stands: plan, copy (by the job's method), index, verify,
/// record. Planning, index builds and verification pass through <paramref name="metadataGate"/>.
/// </summary>
/// <param name="context">What the job's collections share.</param>
/// <param name="metadataGate">Bounds the collections that plan, build indexes or verify at once.</param>
/// <param name="completedAt">When the job completed before, for a resumed completed job (verified again); null otherwise.</param>
internal sealed class CollectionMigration(MigrationContext context, SemaphoreSlim metadataGate, DateTimeOffset? completedAt)
{
    private string JobId => context.JobId;

    public async Task<CollectionOutcome> RunAsync(PlannedCollection planned, (long Documents, long Bytes) before, CancellationToken cancellationToken)
    {
        var (collection, target, record) = planned;
        var key = record.SourceNamespace;
        var progress = context.Progress.Add(key, target.FullName, collection.EstimatedCount, collection.EstimatedBytes);
        try
        {
            if (record.Status == CollectionStatus.Completed)
            {
                var done = await context.State.GetChunksAsync(JobId, key, cancellationToken).ConfigureAwait(false);
                progress.SetChunks(done.Count, done.Count, done.Count, done.Sum(c => c.Documents), done.Sum(c => c.Bytes));
                if (completedAt is not null && context.Options.Verify && !context.Options.Online)
                {
                    // A completed job resumed: its old proof says nothing of the target as it is now.
                    return await GatedAsync(metadataGate, () => VerifyAgainAsync(planned, before, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
                }

                progress.SetPhase(CollectionPhase.Done);
                if (context.CollectionCopied is { } copiedEarlier)
                {
                    await copiedEarlier(collection.Namespace, false, cancellationToken).ConfigureAwait(false);
                }

                return await OutcomeAsync(context.State, planned, before, CollectionStatus.Completed, [], record.IndexErrorLines, StoredVerification(record), null, record.VerifiedChunks).ConfigureAwait(false);
            }

            if (planned.Problem is { } problem)
            {
                throw new MigrationException(problem);
            }

            var (chunks, saved, current) = await GatedAsync(metadataGate, () => PlanIfNeededAsync(planned, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            var restored = chunks.Where(c => c.Status == ChunkStatus.Restored).ToList();
            progress.SetChunks(
                chunks.Count,
                chunks.Count(c => c.Status is ChunkStatus.Dumped or ChunkStatus.Restored),
                restored.Count,
                restored.Sum(c => c.Documents),
                restored.Sum(c => c.Bytes));
            progress.SetPhase(CollectionPhase.Copying);
            if (!saved)
            {
                await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Copying, null, null, cancellationToken).ConfigureAwait(false);
            }

            var job = new CollectionJob { Source = collection, Target = target, Progress = progress, Chunks = chunks };
            var failures = context.Options.Method == CopyMethod.Direct
                ? await new DirectCopyProcessor(context, job).RunAsync(cancellationToken).ConfigureAwait(false)
                : await new DumpRestoreProcessor(context, job).RunAsync(cancellationToken).ConfigureAwait(false);
            if (failures.Count > 0)
            {
                var error = $"{failures.Count} of {chunks.Count} chunk(s) failed, first: chunk {failures[0].Index} after {failures[0].Attempts} attempt(s): {failures[0].Reason}";
                return await FailAsync(planned, before, progress, error, failures, cancellationToken).ConfigureAwait(false);
            }

            // The copied mark tells a resumed run that index builds or the verification are what is left. With
            // neither to do, the collection goes straight to completed: one sync of the state less per collection,
            // which a thousand small collections notice. A crash in between leaves it copying with every chunk
            // restored, which a resumed run finishes the same way.
            if (Verifies || TargetPreparation.HasRemainingIndexes(collection))
            {
                await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Copied, null, null, cancellationToken).ConfigureAwait(false);
            }

            return await GatedAsync(metadataGate, FinishAsync, cancellationToken).ConfigureAwait(false);

            // After the copy: the remaining indexes, the verification, the final state.
            async Task<CollectionOutcome> FinishAsync()
            {
                // Copied into the collections the job planned and created, or the copy is not of them.
                await CollectionIdentity.EnsureSourceAsync(context, current, cancellationToken).ConfigureAwait(false);
                await CollectionIdentity.EnsureTargetAsync(context, current, cancellationToken).ConfigureAwait(false);
                progress.SetPhase(CollectionPhase.Indexing);

                // Idempotent, so retried whole: an index an interrupted run or attempt already built is accepted as it is.
                var preparation = new TargetPreparation(context.Target, context.Logger) { Following = context.Options.Online };
                var indexErrors = await context.Retry.ExecuteAsync(
                    async token => await preparation.BuildRemainingIndexesAsync(collection, target, token).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);

                VerificationResult? verification = null;
                int? compared = null;
                if (Verifies)
                {
                    progress.SetPhase(CollectionPhase.Verifying);
                    var check = await CollectionVerification.RunAsync(context, planned, everyChunk: false, cancellationToken).ConfigureAwait(false);
                    verification = check.Total;
                    compared = check.ComparedChunks;
                    if (!check.IsEqual)
                    {
                        var error = check.Describe(null, ResumeCommand);
                        await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Failed, error, JoinOrNull(indexErrors), cancellationToken).ConfigureAwait(false);
                        await context.RecordErrorAsync(new ErrorRecord { At = context.TimeProvider.GetUtcNow(), Kind = ErrorKind.CollectionFailed, SourceNamespace = key, Message = error }).ConfigureAwait(false);
                        progress.SetPhase(CollectionPhase.Failed);
                        return await OutcomeAsync(context.State, planned, before, CollectionStatus.Failed, [], indexErrors, verification, error, compared).ConfigureAwait(false);
                    }
                }

                await context.State.CompleteCollectionAsync(JobId, key, JoinOrNull(indexErrors), verification?.Identical, compared, cancellationToken).ConfigureAwait(false);
                progress.SetPhase(CollectionPhase.Done);
                if (context.CollectionCopied is { } copied)
                {
                    await copied(collection.Namespace, true, cancellationToken).ConfigureAwait(false);
                }

                return await OutcomeAsync(context.State, planned, before, CollectionStatus.Completed, [], indexErrors, verification, null, compared).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = ErrorDescription.Of(e);
            context.Logger.LogError(e, "Collection {Namespace} failed: {Reason}", key, error);
            return await FailAsync(planned, before, progress, error, [], CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Planning, index builds and verification run per collection, outside the pools: unbounded, a thousand small
    /// collections would send their metadata commands all at once and overflow the driver's wait queue for
    /// connections (MongoWaitQueueFullException, found by the benchmark). The gate lets as many run as there are workers.
    /// </summary>
    private static async Task<T> GatedAsync<T>(SemaphoreSlim gate, Func<Task<T>> step, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await step().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Collections that may plan, build indexes or verify at the same time: as many as there are workers to copy their chunks.</summary>
    internal static int MetadataConcurrency(MigrationOptions options) => Math.Clamp(options.DumpWorkers + options.RestoreWorkers, 2, 64);

    private async Task<CollectionOutcome> FailAsync(PlannedCollection planned, (long Documents, long Bytes) before, CollectionProgress progress, string error, IReadOnlyList<ChunkFailure> failures, CancellationToken cancellationToken)
    {
        var key = planned.Record.SourceNamespace;
        progress.SetPhase(CollectionPhase.Failed);
        await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Failed, error, null, cancellationToken).ConfigureAwait(false);
        await context.RecordErrorAsync(new ErrorRecord { At = context.TimeProvider.GetUtcNow(), Kind = ErrorKind.CollectionFailed, SourceNamespace = key, Message = error }).ConfigureAwait(false);
        return await OutcomeAsync(context.State, planned, before, CollectionStatus.Failed, failures, [], null, error).ConfigureAwait(false);
    }

    /// <summary>
    /// The stored chunks, or a new plan when there is none: the collection is new, or an earlier run stopped
    /// (or failed) before its plan was saved. Creating the target again is harmless: it exists or is empty.
    /// A new plan is saved with the collection already copying (<c>Saved</c>): one change of the state
    /// instead of two, which a thousand small collections notice.
    /// </summary>
    private async Task<(IReadOnlyList<Chunk> Chunks, bool Saved, CollectionRecord Record)> PlanIfNeededAsync(PlannedCollection planned, CollectionProgress progress, CancellationToken cancellationToken)
    {
        var (collection, target, record) = planned;
        if (record.Status != CollectionStatus.Pending)
        {
            var stored = await context.State.GetChunksAsync(JobId, record.SourceNamespace, cancellationToken).ConfigureAwait(false);
            if (stored.Count > 0)
            {
                return ([.. stored.Select(Chunk.FromRecord)], false, record);
            }
        }

        progress.SetPhase(CollectionPhase.Planning);

        // The source may have changed since discovery (a server restarted empty, a collection recreated): plan only the one found.
        await CollectionIdentity.EnsureSourceAsync(context, record, cancellationToken).ConfigureAwait(false);

        // Creating the collection and its unique indexes, and planning (reads only), are idempotent: retried whole.
        var preparation = new TargetPreparation(context.Target, context.Logger) { Following = context.Options.Online };
        var uniqueErrors = await context.Retry.ExecuteAsync(
            async token => await preparation.CreateCollectionAsync(collection, target, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        if (uniqueErrors.Count > 0)
        {
            // A unique index that cannot be built would let duplicates in unnoticed: stop this collection.
            throw new MigrationException($"Could not create the unique indexes of {target}: {string.Join("; ", uniqueErrors)}");
        }

        var targetUuid = await CollectionIdentity.TargetUuidAsync(context, target, cancellationToken).ConfigureAwait(false);
        var planner = new ChunkPlanner(context.Source, new ChunkPlannerOptions { ChunkSizeBytes = context.Options.ChunkSizeBytes }, context.Logger);
        var ranges = await context.Retry.ExecuteAsync(async token => await planner.PlanAsync(collection, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var chunks = ranges.Select(Chunk.Planned).ToList();
        var saved = record with { Status = CollectionStatus.Copying, Error = null, TargetUuid = targetUuid };
        await context.State.SaveCollectionPlanAsync(JobId, saved, [.. chunks.Select(c => c.ToRecord(record.SourceNamespace))], cancellationToken).ConfigureAwait(false);
        return (chunks, true, saved);
    }

    /// <summary>
    /// A collection of a completed job, verified again whole. Equal, it is completed again with the new proof; not equal,
    /// it fails with what differs, and its differing chunks wait for the next resume to be copied again: the target of a
    /// completed job may be in use, so nothing is overwritten without being asked for.
    /// </summary>
    private async Task<CollectionOutcome> VerifyAgainAsync(PlannedCollection planned, (long Documents, long Bytes) before, CollectionProgress progress, CancellationToken cancellationToken)
    {
        var key = planned.Record.SourceNamespace;
        progress.SetPhase(CollectionPhase.Verifying);
        await CollectionIdentity.EnsureSourceAsync(context, planned.Record, cancellationToken).ConfigureAwait(false);
        var check = await CollectionVerification.RunAsync(context, planned, everyChunk: true, cancellationToken).ConfigureAwait(false);
        var indexErrors = planned.Record.IndexErrorLines;
        if (check.IsEqual)
        {
            await context.State.CompleteCollectionAsync(JobId, key, planned.Record.IndexErrors, check.Total.Identical, check.ComparedChunks, cancellationToken).ConfigureAwait(false);
            progress.SetPhase(CollectionPhase.Done);
            return await OutcomeAsync(context.State, planned, before, CollectionStatus.Completed, [], indexErrors, check.Total, null, check.ComparedChunks).ConfigureAwait(false);
        }

        var error = check.Describe(completedAt, ResumeCommand);
        await context.State.UpdateCollectionAsync(JobId, key, CollectionStatus.Failed, error, null, cancellationToken).ConfigureAwait(false);
        await context.RecordErrorAsync(new ErrorRecord { At = context.TimeProvider.GetUtcNow(), Kind = ErrorKind.CollectionFailed, SourceNamespace = key, Message = error }).ConfigureAwait(false);
        progress.SetPhase(CollectionPhase.Failed);
        return await OutcomeAsync(context.State, planned, before, CollectionStatus.Failed, [], indexErrors, check.Total, error, check.ComparedChunks).ConfigureAwait(false);
    }

    /// <summary>An offline copy is verified per collection; an online one is proven at cutover, once the source's changes are applied.</summary>
    private bool Verifies => context.Options.Verify && !context.Options.Online;

    private string ResumeCommand => $"mongomigrate migrate --resume --job-id {JobId} --work-dir {context.Options.WorkDirectory}";

    /// <summary>
    /// A collection's outcome with its documents and bytes as the state counts them: every restored chunk, whichever run
    /// restored it. <paramref name="chunksVerified"/> is how many chunks the verification compared (null: all of them).
    /// </summary>
    private async Task<CollectionOutcome> OutcomeAsync(IJobStateStore state, PlannedCollection planned, (long Documents, long Bytes) before, CollectionStatus status, IReadOnlyList<ChunkFailure> failures, IReadOnlyList<string> indexErrors, VerificationResult? verification, string? error, int? chunksVerified = null)
    {
        // This collection's chunks only: totals over the whole job for each collection cost a thousand collections a million rows.
        var chunks = await state.GetChunksAsync(JobId, planned.Record.SourceNamespace, CancellationToken.None).ConfigureAwait(false);
        var restored = chunks.Where(c => c.Status == ChunkStatus.Restored).ToList();
        return new CollectionOutcome
        {
            Source = planned.Record.SourceNamespace,
            Target = planned.Record.TargetNamespace,
            Status = status,
            Documents = restored.Sum(c => c.Documents),
            Bytes = restored.Sum(c => c.Bytes),
            DocumentsBeforeRun = before.Documents,
            BytesBeforeRun = before.Bytes,
            Chunks = chunks.Count,
            FailedChunks = failures,
            IndexErrors = indexErrors,
            Verification = verification,
            ChunksVerified = verification is null ? 0 : chunksVerified ?? chunks.Count,
            Error = error,
        };
    }

    /// <summary>The outcomes of a stopped run: every collection as the state has it now.</summary>
    public async Task<IReadOnlyList<CollectionOutcome>> OutcomesFromStateAsync(IJobStateStore state, IReadOnlyList<PlannedCollection> collections, IReadOnlyDictionary<string, (long Documents, long Bytes)> before)
    {
        var records = (await state.GetCollectionsAsync(JobId, CancellationToken.None).ConfigureAwait(false)).ToDictionary(r => r.SourceNamespace, StringComparer.Ordinal);
        var outcomes = new List<CollectionOutcome>();
        foreach (var planned in collections)
        {
            var record = records.GetValueOrDefault(planned.Record.SourceNamespace) ?? planned.Record;
            var verification = record.Status == CollectionStatus.Completed ? StoredVerification(record) : null;
            outcomes.Add(await OutcomeAsync(state, planned with { Record = record }, before.GetValueOrDefault(record.SourceNamespace), record.Status, [], record.IndexErrorLines, verification, record.Error, record.VerifiedChunks).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary>What an earlier run's verification found, so a resumed summary still shows the proof (a sample's with its chunk count, <see cref="CollectionRecord.VerifiedChunks"/>).</summary>
    private static VerificationResult? StoredVerification(CollectionRecord record) => record.VerifiedDocuments is { } identical
        ? new VerificationResult { SourceNamespace = record.SourceNamespace, TargetNamespace = record.TargetNamespace, SourceDocuments = identical, TargetDocuments = identical, Identical = identical }
        : null;

    private static string? JoinOrNull(IReadOnlyList<string> lines) => lines.Count == 0 ? null : string.Join("\n", lines);
}
