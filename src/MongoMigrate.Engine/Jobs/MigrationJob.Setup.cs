using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>Starting a new job (discovery, target checks, first state) and reloading an interrupted one.</summary>
public sealed partial class MigrationJob
{
    private async Task<(List<(SourceCollection Collection, NamespaceName Target, CollectionRecord Record)> Collections, IReadOnlyList<SkippedNamespace> Skipped)> StartNewAsync(
        MigrationContext context,
        CancellationToken cancellationToken)
    {
        var discovery = await new CollectionDiscovery(context.Source, _logger).DiscoverAsync(_options.Selection, cancellationToken).ConfigureAwait(false);
        if (discovery.Collections.Count == 0)
        {
            var selection = _options.Selection.ToString();
            throw new MigrationException(
                $"The selection {(selection.Length == 0 ? "(everything)" : selection)} matches no collection to copy on the source {_source.Display}"
                + (discovery.Skipped.Count > 0 ? $" ({discovery.Skipped.Count} namespace(s) were left out, e.g. {discovery.Skipped[0].Namespace}: {discovery.Skipped[0].Reason})" : string.Empty)
                + ". Check --include and --exclude.");
        }

        var planned = discovery.Collections.Select(c => (Collection: c, Target: _options.Selection.TargetOf(c.Namespace))).ToList();
        var clash = planned.GroupBy(p => p.Target).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new MigrationException($"{string.Join(" and ", clash.Select(c => c.Collection.Namespace))} would all be written to {clash.Key}: adjust --from/--to.");
        }

        await new TargetPreparation(context.Target, _logger).EnsureTargetsEmptyAsync(planned.Select(p => p.Target), _options.DropTarget, cancellationToken).ConfigureAwait(false);

        var now = _time.GetUtcNow();
        await context.State.CreateJobAsync(
            new JobRecord { JobId = JobId, DefinitionJson = Definition().ToJson(), Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
        var result = new List<(SourceCollection, NamespaceName, CollectionRecord)>();
        foreach (var (collection, target) in planned)
        {
            var record = new CollectionRecord
            {
                SourceNamespace = collection.Namespace.FullName,
                TargetNamespace = target.FullName,
                Status = CollectionStatus.Pending,
                EstimatedCount = collection.EstimatedCount,
                EstimatedBytes = collection.EstimatedBytes,
            };
            await context.State.SaveCollectionAsync(JobId, record, cancellationToken).ConfigureAwait(false);
            result.Add((collection, target, record));
        }

        return (result, discovery.Skipped);
    }

    private async Task<(List<(SourceCollection Collection, NamespaceName Target, CollectionRecord Record)> Collections, IReadOnlyList<SkippedNamespace> Skipped)> ReloadAsync(
        MigrationContext context,
        CancellationToken cancellationToken)
    {
        var job = await context.State.GetJobAsync(JobId, cancellationToken).ConfigureAwait(false) ?? throw new MigrationException($"Job {JobId} vanished from its state file.");
        var stored = JobDefinition.FromJson(job.DefinitionJson);
        if (!SameDeployment(stored.Source, _source.Display) || !SameDeployment(stored.Target, _target.Display))
        {
            throw new MigrationException(
                $"Job {JobId} copies {stored.Source} to {stored.Target}, but this run was given {_source.Display} and {_target.Display}. Give the job's own --source and --target to resume it.");
        }

        var records = await context.State.GetCollectionsAsync(JobId, cancellationToken).ConfigureAwait(false);
        var selection = new NamespaceSelection([.. records.Select(r => r.SourceNamespace)], [], []);
        var discovery = await new CollectionDiscovery(context.Source, _logger).DiscoverAsync(selection, cancellationToken).ConfigureAwait(false);
        var byName = discovery.Collections.ToDictionary(c => c.Namespace.FullName, StringComparer.Ordinal);
        var result = new List<(SourceCollection, NamespaceName, CollectionRecord)>();
        foreach (var record in records)
        {
            if (!byName.TryGetValue(record.SourceNamespace, out var collection))
            {
                throw new MigrationException($"{record.SourceNamespace}, part of job {JobId}, no longer exists on the source; the job cannot finish it.");
            }

            // Progress and chunk sizes come from the plan, not from the source as it is now.
            result.Add((collection with { EstimatedCount = record.EstimatedCount, EstimatedBytes = record.EstimatedBytes }, NamespaceName.Parse(record.TargetNamespace), record));
        }

        await context.State.UpdateJobAsync(JobId, JobStatus.Running, null, cancellationToken).ConfigureAwait(false);
        return (result, []);
    }

    private JobDefinition Definition() => new()
    {
        Source = _source.Display,
        Target = _target.Display,
        Selection = _options.Selection.ToString(),
        Include = [.. _options.Selection.Include.Select(p => p.Text)],
        Exclude = [.. _options.Selection.Exclude.Select(p => p.Text)],
        Renames = [.. _options.Selection.Renames.Select(r => new[] { r.From.Text, r.To.Text })],
        Method = _options.Method == CopyMethod.Direct ? "direct" : "dump-restore",
        DumpWorkers = _options.DumpWorkers,
        RestoreWorkers = _options.RestoreWorkers,
        InsertionWorkers = _options.InsertionWorkers,
        ChunkSizeBytes = _options.ChunkSizeBytes,
        Gzip = _options.Gzip,
        DropTarget = _options.DropTarget,
    };

    /// <summary>Hosts and options must match; the password (redacted anyway) may differ, e.g. after a rotation.</summary>
    private static bool SameDeployment(string stored, string given) => string.Equals(stored, given, StringComparison.Ordinal);
}
