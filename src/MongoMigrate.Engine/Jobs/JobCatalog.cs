using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>Reads every job of a work folder (one subfolder per job, each with its state file) for `mongomigrate jobs`.</summary>
public static class JobCatalog
{
    private const int FailuresShown = 5;

    /// <summary>The jobs in <paramref name="workDirectory"/>, oldest first; empty when the folder does not exist.</summary>
    public static async Task<IReadOnlyList<JobOverview>> ListAsync(string workDirectory, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(workDirectory))
        {
            return [];
        }

        var result = new List<JobOverview>();
        foreach (var directory in Directory.EnumerateDirectories(workDirectory).Order(StringComparer.Ordinal))
        {
            var statePath = JobFolder.StatePath(directory);
            if (!File.Exists(statePath))
            {
                continue;
            }

            result.AddRange(await ReadAsync(workDirectory, directory, statePath, timeProvider, cancellationToken).ConfigureAwait(false));
        }

        return [.. result.OrderBy(j => j.CreatedAt ?? DateTimeOffset.MaxValue).ThenBy(j => j.JobId, StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<JobOverview>> ReadAsync(string workDirectory, string directory, string statePath, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        var (held, owner) = JobLock.Probe(directory);
        try
        {
            var store = await SqliteJobStateStore.OpenAsync(statePath, timeProvider, cancellationToken).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                var overviews = new List<JobOverview>();
                foreach (var job in await store.ListJobsAsync(cancellationToken).ConfigureAwait(false))
                {
                    overviews.Add(await OverviewAsync(store, job, workDirectory, directory, held, owner, cancellationToken).ConfigureAwait(false));
                }

                return overviews;
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or MigrationException or IOException or UnauthorizedAccessException)
        {
            return [new JobOverview { JobId = Path.GetFileName(directory), Directory = directory, State = "unreadable", IsRunning = held, RunningIn = owner, Error = SecretRedactor.Redact(e.Message) }];
        }
    }

    private static async Task<JobOverview> OverviewAsync(SqliteJobStateStore store, JobRecord job, string workDirectory, string directory, bool held, string? owner, CancellationToken cancellationToken)
    {
        var definition = JobDefinition.FromJson(job.DefinitionJson);
        var verification = definition.Method == JobDefinition.VerifyMethod;
        var totals = await store.GetChunkTotalsAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var ranges = verification ? await store.GetVerifyRangeTotalsAsync(job.JobId, cancellationToken).ConfigureAwait(false) : [];
        var collections = (await store.GetCollectionsAsync(job.JobId, cancellationToken).ConfigureAwait(false)).Select(c =>
        {
            if (verification)
            {
                return VerifiedCollection(c, ranges.FirstOrDefault(r => r.SourceNamespace == c.SourceNamespace));
            }

            var mine = totals.Where(t => t.SourceNamespace == c.SourceNamespace).ToList();
            var restored = mine.FirstOrDefault(t => t.Status == ChunkStatus.Restored);
            return new CollectionOverview
            {
                Source = c.SourceNamespace,
                Target = c.TargetNamespace,
                Status = c.Status,
                Chunks = mine.Sum(t => t.Chunks),
                ChunksRestored = restored?.Chunks ?? 0,
                ChunksFailed = mine.Where(t => t.Status == ChunkStatus.Failed).Sum(t => t.Chunks),
                Documents = restored?.Documents ?? 0,
                Bytes = restored?.Bytes ?? 0,
                EstimatedDocuments = c.EstimatedCount,
                EstimatedBytes = c.EstimatedBytes,
                Error = c.Error,
                IndexErrors = c.IndexErrorLines,
            };
        }).ToList();
        var failures = (await store.GetErrorsAsync(job.JobId, 200, cancellationToken).ConfigureAwait(false))
            .Where(e => e.Kind != ErrorKind.AttemptFailed)
            .Take(FailuresShown)
            .ToList();
        var state = held ? "running"
            : job.Status switch
            {
                JobStatus.Running or JobStatus.Created => "interrupted",
                _ => job.Status.ToString().ToLowerInvariant(),
            };
        var onlineStatus = store is IChangeStreamCheckpointStore online ? await online.GetOnlineStatusAsync(job.JobId, cancellationToken).ConfigureAwait(false) : null;
        return new JobOverview
        {
            JobId = job.JobId,
            Directory = directory,
            Status = job.Status,
            IsRunning = held,
            RunningIn = held ? owner : null,
            State = state,
            Source = definition.Source,
            Target = definition.Target,
            Method = definition.Method,
            CreatedAt = job.CreatedAt,
            UpdatedAt = job.UpdatedAt,
            Error = job.Error,
            Workers = await store.GetPoolSettingsAsync(job.JobId, cancellationToken).ConfigureAwait(false),
            Collections = collections,
            RecentFailures = failures,
            Online = onlineStatus,
            Rechecks = onlineStatus is not null && store is SqliteJobStateStore sqlite
                ? Verifying.RecheckStatus.Of(await sqlite.Rechecks.GetRecheckQueueSizeAsync(job.JobId, cancellationToken).ConfigureAwait(false), onlineStatus.SourceTime)
                : null,
            SyncBack = store is SqliteJobStateStore syncBackStore ? await syncBackStore.SyncBack.GetOnlineStatusAsync(job.JobId, cancellationToken).ConfigureAwait(false) : null,
            ResumeCommand = held || job.Status == JobStatus.Completed ? null
                : verification ? VerifyResumeCommand(job.JobId, workDirectory, definition)
                : ResumeCommand(job.JobId, workDirectory, definition),
        };
    }

    /// <summary>The command to carry the job on; URIs that carried a password are left for the user to give, as the state never holds it.</summary>
    private static string ResumeCommand(string jobId, string workDirectory, JobDefinition definition) =>
        $"mongomigrate migrate --resume --job-id {jobId} --work-dir '{workDirectory}' {Uri("source", definition.Source)} {Uri("target", definition.Target)}";

    /// <summary>A verification resumes with the definition it was started with, selection and sample included.</summary>
    private static string VerifyResumeCommand(string jobId, string workDirectory, JobDefinition definition) =>
        $"mongomigrate verify --resume --job-id {jobId} --work-dir '{workDirectory}' {Uri("source", definition.Source)} {Uri("target", definition.Target)}"
        + string.Concat(definition.Include.Select(p => $" --include '{p}'"))
        + string.Concat(definition.Exclude.Select(p => $" --exclude '{p}'"))
        + string.Concat(definition.Renames.Select(r => $" --from '{r[0]}' --to '{r[1]}'"))
        + (definition.SampleFraction is { } sample and < 1 ? FormattableString.Invariant($" --sample {sample}") : string.Empty);

    private static string Uri(string option, string display) =>
        display.Contains(SecretRedactor.Mask, StringComparison.Ordinal) ? $"--{option} <{option} URI with its password>" : $"--{option} '{display}'";

    /// <summary>A collection of a verification: its ranges as chunks, those compared as done, the documents compared.</summary>
    private static CollectionOverview VerifiedCollection(CollectionRecord c, VerifyRangeTotals? ranges) => new()
    {
        Source = c.SourceNamespace,
        Target = c.TargetNamespace,
        Status = c.Status,
        Chunks = ranges?.Ranges ?? 0,
        ChunksRestored = ranges?.Compared ?? 0,
        Documents = ranges?.Documents ?? 0,
        Bytes = ranges is { Ranges: > 0 } r ? c.EstimatedBytes * r.Compared / r.Ranges : 0,
        EstimatedDocuments = c.EstimatedCount,
        EstimatedBytes = c.EstimatedBytes,
        Error = c.Error,
    };
}
