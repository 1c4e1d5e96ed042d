using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Restoring;

/// <summary>A restore's durable state: one record per namespace, so that a resumed job skips what it completed.</summary>
/// <param name="state">The job's state store.</param>
/// <param name="jobId">The job.</param>
/// <param name="options">The run's options.</param>
/// <param name="target">The target as the user gave it.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where warnings go.</param>
internal sealed class RestoreState(IJobStateStore state, string jobId, RestoreJobOptions options, MongoEndpoint target, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Creates the job's records, or reloads them with --resume; returns the namespaces an earlier run completed, and
    /// those it wrote from a damaged dump into a collection it created, which this run drops and restores whole.
    /// </summary>
    public async Task<(Dictionary<string, NamespaceResult> Done, HashSet<string> Replace)> LoadAsync(RestorePlan plan, IMongoClient client, CancellationToken cancellationToken)
    {
        var existing = await state.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !options.Resume)
        {
            throw new MigrationException($"Job {jobId} already exists in {options.WorkDirectory}: pass --resume to carry it on, or choose another --job-id.");
        }

        if (existing is null && options.Resume)
        {
            throw new MigrationException($"There is no job {jobId} in {options.WorkDirectory} to resume: check --job-id and --work-dir.");
        }

        var done = new Dictionary<string, NamespaceResult>(StringComparer.Ordinal);
        var replace = new HashSet<string>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        Dictionary<string, CollectionRecord> records;
        if (existing is null)
        {
            await state.CreateJobAsync(
                new JobRecord { JobId = jobId, DefinitionJson = Definition().ToJson(), Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now },
                [],
                cancellationToken).ConfigureAwait(false);
            records = [];
        }
        else
        {
            var stored = JobDefinition.FromJson(existing.DefinitionJson);
            if (stored.Source != options.Source.Display || stored.Target != target.Display)
            {
                throw new MigrationException(
                    $"Job {jobId} restores {stored.Source} to {stored.Target}, but this run was given {options.Source.Display} and {target.Display}. Give the job's own dump and --target to resume it.");
            }

            records = (await state.GetCollectionsAsync(jobId, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.SourceNamespace, StringComparer.Ordinal);
            await state.UpdateJobAsync(jobId, JobStatus.Running, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var item in plan.Collections.Concat(plan.Views))
        {
            if (!records.TryGetValue(item.Key, out var record))
            {
                await state.SaveCollectionPlanAsync(
                    jobId,
                    new CollectionRecord { SourceNamespace = item.Key, TargetNamespace = item.Target.FullName, Status = CollectionStatus.Pending, EstimatedBytes = item.EstimatedBytes, ChunkCount = 1 },
                    [new ChunkRecord { SourceNamespace = item.Key, Index = 0, Filter = RawDocument.Empty.Bytes.ToArray(), Description = "all" }],
                    cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (record.Status == CollectionStatus.Completed && record.TargetNamespace == item.Target.FullName)
            {
                var chunks = await state.GetChunksAsync(jobId, item.Key, cancellationToken).ConfigureAwait(false);
                done[item.Key] = new NamespaceResult
                {
                    Source = item.Key,
                    Target = record.TargetNamespace,
                    Kind = item.IsView ? CollectionMetadata.ViewType : CollectionMetadata.CollectionType,
                    Status = CollectionStatus.Completed,
                    Documents = chunks.Sum(c => c.Documents),
                    Bytes = chunks.Sum(c => c.Bytes),
                    IndexErrors = record.IndexErrors?.Split('\n') ?? [],
                    Notes = ["restored by an earlier run of this job"],
                };
                continue;
            }

            if (await WrittenFromDamagedDumpAsync(record, item, client, cancellationToken).ConfigureAwait(false))
            {
                replace.Add(item.Key);
            }
        }

        return (done, replace);
    }

    /// <summary>
    /// Whether an earlier run wrote this namespace from a damaged dump into a collection that run created and that is
    /// still that collection (same UUID): then nothing else is in it, and it can be replaced whole, extra documents with
    /// a damaged _id included. In a collection it did not create, documents that differ are replaced one by one.
    /// </summary>
    private async Task<bool> WrittenFromDamagedDumpAsync(CollectionRecord record, RestoreItem item, IMongoClient client, CancellationToken cancellationToken)
    {
        var chunks = await state.GetChunksAsync(jobId, item.Key, cancellationToken).ConfigureAwait(false);
        if (!chunks.Any(c => c.ReplaceOnTarget))
        {
            return false;
        }

        var now = await CollectionUuids.ReadAsync(client, item.Target, cancellationToken).ConfigureAwait(false);
        if (record.TargetUuid is { } created && now.Uuid == created)
        {
            return true;
        }

        logger.LogWarning(
            "{Namespace} was written from a damaged dump by an earlier run, into a collection that run did not create: documents that differ are replaced, but documents the damage added stay",
            item.Target);
        return false;
    }

    public async Task RecordAsync(NamespaceResult result, string key, CancellationToken cancellationToken)
    {
        var indexErrors = result.IndexErrors.Count == 0 ? null : string.Join("\n", result.IndexErrors);
        if (result.WrittenFromDamagedPart)
        {
            // Recorded as to be replaced, with the collection this run created: a resumed run drops that and restores it whole.
            await state.SaveCollectionPlanAsync(
                jobId,
                new CollectionRecord
                {
                    SourceNamespace = key,
                    TargetNamespace = result.Target,
                    Status = CollectionStatus.Failed,
                    Error = result.Error,
                    IndexErrors = indexErrors,
                    TargetUuid = result.CreatedTargetUuid,
                },
                [new ChunkRecord { SourceNamespace = key, Index = 0, Filter = RawDocument.Empty.Bytes.ToArray(), Description = "all", ReplaceOnTarget = true, Error = result.Error }],
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (result.Status == CollectionStatus.Completed)
        {
            await state.MarkChunkRestoredAsync(jobId, key, 0, result.Documents, result.Bytes, null, cancellationToken).ConfigureAwait(false);
        }

        await state.UpdateCollectionAsync(jobId, key, result.Status, result.Error, indexErrors, cancellationToken).ConfigureAwait(false);
    }

    private JobDefinition Definition() => new()
    {
        Source = options.Source.Display,
        Target = target.Display,
        Selection = options.Selection.ToString(),
        Include = [.. options.Selection.Include.Select(p => p.Text)],
        Exclude = [.. options.Selection.Exclude.Select(p => p.Text)],
        Renames = [.. options.Selection.Renames.Select(r => new[] { r.From.Text, r.To.Text })],
        Method = "restore",
        RestoreWorkers = options.ParallelCollections,
        InsertionWorkers = options.InsertionWorkers,
        DropTarget = options.Drop,
    };
}
