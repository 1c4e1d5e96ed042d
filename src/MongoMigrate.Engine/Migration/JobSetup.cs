using Microsoft.Extensions.Logging;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Starting a new job (discovery, target checks, the first state in one change) and reloading an interrupted one
/// (collections found again, replanned when dropped or recreated since, orphan chunk files swept).
/// </summary>
/// <param name="context">What the job's collections share.</param>
/// <param name="sourceEndpoint">The source as the user gave it.</param>
/// <param name="targetEndpoint">The target as the user gave it.</param>
internal sealed class JobSetup(MigrationContext context, MongoEndpoint sourceEndpoint, MongoEndpoint targetEndpoint)
{
    private string JobId => context.JobId;

    public async Task<(IReadOnlyList<PlannedCollection> Collections, IReadOnlyList<SkippedNamespace> Skipped)> StartNewAsync(string? sameDeployment, CancellationToken cancellationToken)
    {
        var started = context.TimeProvider.GetTimestamp();
        var discovery = await DiscoverAsync(context.Options.Selection, cancellationToken).ConfigureAwait(false);
        context.Logger.LogDebug("Found {Count} collection(s) on the source in {Milliseconds:F0} ms", discovery.Collections.Count, context.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        if (discovery.Collections.Count == 0)
        {
            var selection = context.Options.Selection.ToString();
            throw new MigrationException(
                $"The selection {(selection.Length == 0 ? "(everything)" : selection)} matches no collection to copy on the source {sourceEndpoint.Display}"
                + (discovery.Skipped.Count > 0 ? $" ({discovery.Skipped.Count} namespace(s) were left out, e.g. {discovery.Skipped[0].Namespace}: {discovery.Skipped[0].Reason})" : string.Empty)
                + ". Check --include and --exclude.");
        }

        var planned = discovery.Collections.Select(c => (Collection: c, Target: context.Options.Selection.TargetOf(c.Namespace))).ToList();
        var clash = planned.GroupBy(p => p.Target).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new MigrationException($"{string.Join(" and ", clash.Select(c => c.Collection.Namespace))} would all be written to {clash.Key}: adjust --from/--to.");
        }

        CheckSameDeployment(sameDeployment, planned.Select(p => p.Target), planned.Select(p => p.Collection.Namespace), context.Options.DropTarget);

        // Only a new job checks (or drops) its targets: on resume they hold our own partial copy.
        var preparation = new TargetPreparation(context.Target, context.Logger);
        started = context.TimeProvider.GetTimestamp();
        await context.Retry.ExecuteAsync(
            async token => await preparation.EnsureTargetsEmptyAsync(planned.Select(p => p.Target), context.Options.DropTarget, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        context.Logger.LogDebug("{Checked} {Count} target collection(s) in {Milliseconds:F0} ms", context.Options.DropTarget ? "Dropped" : "Checked", planned.Count, context.TimeProvider.GetElapsedTime(started).TotalMilliseconds);

        var result = planned.Select(p => new PlannedCollection(
            p.Collection,
            p.Target,
            new CollectionRecord
            {
                SourceNamespace = p.Collection.Namespace.FullName,
                TargetNamespace = p.Target.FullName,
                Status = CollectionStatus.Pending,
                EstimatedCount = p.Collection.EstimatedCount,
                EstimatedBytes = p.Collection.EstimatedBytes,
                SourceUuid = p.Collection.Uuid,
            })).ToList();
        var now = context.TimeProvider.GetUtcNow();

        // One change: a job killed here either does not exist or exists with every collection.
        await context.State.CreateJobAsync(
            new JobRecord { JobId = JobId, DefinitionJson = Definition().ToJson(), Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now },
            [.. result.Select(r => r.Record)],
            cancellationToken).ConfigureAwait(false);
        return (result, discovery.Skipped);
    }

    /// <summary>Lists the source's collections, retried whole on a transient error (it only reads).</summary>
    private Task<DiscoveryResult> DiscoverAsync(NamespaceSelection selection, CancellationToken cancellationToken) =>
        context.Retry.ExecuteAsync(
            async token => await new CollectionDiscovery(context.Source, context.Logger).DiscoverAsync(selection, token).ConfigureAwait(false),
            cancellationToken).AsTask();

    public async Task<IReadOnlyList<PlannedCollection>> ReloadAsync(string? sameDeployment, bool jobCompleted, CancellationToken cancellationToken)
    {
        var records = await context.State.GetCollectionsAsync(JobId, cancellationToken).ConfigureAwait(false);

        // A resumed run drops nothing, but it writes: the same rule holds whatever deployment the URIs now reach.
        CheckSameDeployment(sameDeployment, records.Select(r => NamespaceName.Parse(r.TargetNamespace)), records.Select(r => NamespaceName.Parse(r.SourceNamespace)), drop: false);
        var selection = new NamespaceSelection([.. records.Select(r => r.SourceNamespace)], [], []);
        var discovery = await DiscoverAsync(selection, cancellationToken).ConfigureAwait(false);
        var byName = discovery.Collections.ToDictionary(c => c.Namespace.FullName, StringComparer.Ordinal);
        var result = new List<PlannedCollection>();
        foreach (var record in records)
        {
            var target = NamespaceName.Parse(record.TargetNamespace);
            if (byName.TryGetValue(record.SourceNamespace, out var collection))
            {
                // A completed job's copies may be in use by now: it is verified again, never planned anew.
                var change = jobCompleted ? null : await CollectionIdentity.ChangedSinceAsync(context, record, collection.Uuid, cancellationToken).ConfigureAwait(false);
                if (change is not null)
                {
                    result.Add(await ReplanAsync(record, collection, target, change.Value, cancellationToken).ConfigureAwait(false));
                    continue;
                }

                // Progress and chunk sizes come from the plan, not from the source as it is now.
                result.Add(new PlannedCollection(collection with { EstimatedCount = record.EstimatedCount, EstimatedBytes = record.EstimatedBytes }, target, record));
                continue;
            }

            // A finished collection needs nothing from the source; an unfinished one cannot go on, but the others can.
            var gone = new SourceCollection
            {
                Namespace = NamespaceName.Parse(record.SourceNamespace),
                Options = RawDocument.Empty,
                Indexes = [],
                EstimatedCount = record.EstimatedCount,
                EstimatedBytes = record.EstimatedBytes,
            };
            result.Add(new PlannedCollection(gone, target, record)
            {
                Problem = record.Status == CollectionStatus.Completed ? null : CollectionIdentity.SourceGone(record),
            });
        }

        await context.State.UpdateJobAsync(JobId, JobStatus.Running, null, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// A collection dropped or recreated on either side since the job worked on it: what was copied is not of it. Its copy
    /// on the target (the collection the job created, known by its UUID) is dropped and the collection planned anew; a
    /// target collection created in its place since is dropped only when it holds nothing but source documents.
    /// </summary>
    private async Task<PlannedCollection> ReplanAsync(CollectionRecord record, SourceCollection collection, NamespaceName target, (string Reason, bool TargetIsOurs, bool TargetExists) change, CancellationToken cancellationToken)
    {
        var preparation = new TargetPreparation(context.Target, context.Logger);
        if (change.TargetIsOurs)
        {
            await context.Retry.ExecuteAsync(async token => await preparation.DropAsync(target, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        else if (change.TargetExists)
        {
            // Created by someone else, or by the job's own inserts after a drop: replaced only when it holds nothing
            // that is not on the source (copies the job made, or none), so that nothing is lost by dropping it.
            var verifier = new Verification.CollectionVerifier(context.Source, context.Target);
            var found = await context.Retry.ExecuteAsync(
                async token => await verifier.VerifyAsync(collection.Namespace, target, Bson.RawDocument.Empty, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (found.Extra > 0 || found.Different > 0)
            {
                return new PlannedCollection(collection, target, record)
                {
                    Problem = $"{change.Reason}, and the collection now there holds {found.Extra + found.Different:N0} document(s) that are not the source's: "
                        + $"empty or drop {target} on the target, then run again with --resume.",
                };
            }

            await context.Retry.ExecuteAsync(async token => await preparation.DropAsync(target, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        var reset = record with
        {
            Status = CollectionStatus.Pending,
            SourceUuid = collection.Uuid,
            TargetUuid = null,
            Error = null,
            IndexErrors = null,
            VerifiedDocuments = null,
            EstimatedCount = collection.EstimatedCount,
            EstimatedBytes = collection.EstimatedBytes,
        };
        await context.State.ResetCollectionAsync(JobId, reset, cancellationToken).ConfigureAwait(false);
        context.Logger.LogWarning("{Reason}: planning {Namespace} anew", change.Reason, record.SourceNamespace);
        return new PlannedCollection(collection, target, reset);
    }

    /// <summary>Removes chunk files no Dumped chunk owns (see <see cref="ChunkFiles.DeleteOrphans"/>); the job's lock is held.</summary>
    public async Task SweepChunkFilesAsync(IReadOnlyList<PlannedCollection> collections, CancellationToken cancellationToken)
    {
        var keep = new List<string>();
        foreach (var collection in collections)
        {
            var chunks = await context.State.GetChunksAsync(JobId, collection.Record.SourceNamespace, cancellationToken).ConfigureAwait(false);
            keep.AddRange(chunks.Where(c => c.Status == ChunkStatus.Dumped && c.File is not null).Select(c => c.File!));
        }

        var deleted = context.ChunkFiles.DeleteOrphans(keep);
        if (deleted > 0)
        {
            context.Logger.LogInformation("Deleted {Count} chunk file(s) left by an interrupted run that no chunk owns", deleted);
        }
    }

    /// <summary>Documents and bytes of the chunks restored before this run, per collection.</summary>
    public async Task<Dictionary<string, (long Documents, long Bytes)>> RestoredTotalsAsync(CancellationToken cancellationToken)
    {
        var totals = await context.State.GetChunkTotalsAsync(JobId, cancellationToken).ConfigureAwait(false);
        return totals.Where(t => t.Status == ChunkStatus.Restored)
            .ToDictionary(t => t.SourceNamespace, t => (t.Documents, t.Bytes), StringComparer.Ordinal);
    }

    private JobDefinition Definition() => new()
    {
        Source = sourceEndpoint.Display,
        Target = targetEndpoint.Display,
        Selection = context.Options.Selection.ToString(),
        Include = [.. context.Options.Selection.Include.Select(p => p.Text)],
        Exclude = [.. context.Options.Selection.Exclude.Select(p => p.Text)],
        Renames = [.. context.Options.Selection.Renames.Select(r => new[] { r.From.Text, r.To.Text })],
        Method = context.Options.Method == CopyMethod.Direct ? "direct" : "dump-restore",
        DumpWorkers = context.Options.DumpWorkers,
        RestoreWorkers = context.Options.RestoreWorkers,
        InsertionWorkers = context.Options.InsertionWorkers,
        ChunkSizeBytes = context.Options.ChunkSizeBytes,
        Gzip = context.Options.Gzip,
        DiskBudgetBytes = context.Options.DiskBudgetBytes,
        DropTarget = context.Options.DropTarget,
        Online = context.Options.Online,
        Verify = !context.Options.Verify ? "none" : context.Options.VerifySample < 1 ? "sample" : "full",
        SampleFraction = context.Options.Verify && context.Options.VerifySample < 1 ? context.Options.VerifySample : null,
    };

    /// <summary>Source and target may be one deployment only when the job writes no namespace it reads (a rename).</summary>
    private void CheckSameDeployment(string? sameDeployment, IEnumerable<NamespaceName> targets, IEnumerable<NamespaceName> read, bool drop) =>
        SameDeploymentRule.Check(
            sameDeployment,
            sourceEndpoint.Display,
            targetEndpoint.Display,
            targets,
            read,
            drop,
            "Give a target on another deployment, or copy to names the job does not read with --from/--to.");
}
