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

    private static async Task<JobOverview> OverviewAsync(IJobStateStore store, JobRecord job, string workDirectory, string directory, bool held, string? owner, CancellationToken cancellationToken)
    {
        var definition = JobDefinition.FromJson(job.DefinitionJson);
        var totals = await store.GetChunkTotalsAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var collections = (await store.GetCollectionsAsync(job.JobId, cancellationToken).ConfigureAwait(false)).Select(c =>
        {
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
                IndexErrors = c.IndexErrors,
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
            Online = store is IChangeStreamCheckpointStore online ? await online.GetOnlineStatusAsync(job.JobId, cancellationToken).ConfigureAwait(false) : null,
            ResumeCommand = held || job.Status == JobStatus.Completed ? null : ResumeCommand(job.JobId, workDirectory, definition),
        };
    }

    /// <summary>The command to carry the job on; URIs that carried a password are left for the user to give, as the state never holds it.</summary>
    private static string ResumeCommand(string jobId, string workDirectory, JobDefinition definition)
    {
        static string Uri(string option, string display) =>
            display.Contains(SecretRedactor.Mask, StringComparison.Ordinal) ? $"--{option} <{option} URI with its password>" : $"--{option} '{display}'";

        return $"mongomigrate migrate --resume --job-id {jobId} --work-dir '{workDirectory}' {Uri("source", definition.Source)} {Uri("target", definition.Target)}";
    }
}
