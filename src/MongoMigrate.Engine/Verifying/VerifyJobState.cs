using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// What a verification has done, kept in its job folder's SQLite state like every job's: the job (listed by
/// `mongomigrate jobs`), its collections, each collection's planned _id ranges and each range's result, every change
/// durable before it returns. A resumed job compares only the ranges without a result. Without a work folder the same
/// is kept in memory only.
/// </summary>
internal sealed class VerifyJobState : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly SqliteJobStateStore? _store;
    private readonly string _jobId;
    private readonly ConcurrentDictionary<string, IReadOnlyList<RawDocument>> _plans = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, int Index), VerificationResult> _done = new();

    private VerifyJobState(SqliteJobStateStore? store, string jobId)
    {
        _store = store;
        _jobId = jobId;
    }

    /// <summary>Keeps nothing on disk: a verification without a work folder.</summary>
    public static VerifyJobState InMemory(string jobId) => new(null, jobId);

    /// <summary>
    /// Opens the job's state in <paramref name="jobDirectory"/>: a new job with <paramref name="collections"/>, or with
    /// <paramref name="resume"/> the one an earlier run left, which must have been made with the same definition
    /// (sides, selection and sample). Collections found since are added.
    /// </summary>
    public static async Task<VerifyJobState> OpenAsync(
        string jobDirectory,
        string jobId,
        bool resume,
        JobDefinition definition,
        IReadOnlyList<CollectionRecord> collections,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var store = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(jobDirectory), time, cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (existing is not null && !resume)
            {
                throw new MigrationException($"Job {jobId} already exists in {Path.GetDirectoryName(jobDirectory)}. Carry it on with --resume, or give another --job-id.");
            }

            if (existing is null)
            {
                if (resume)
                {
                    throw new MigrationException($"There is no verification {jobId} to resume in {Path.GetDirectoryName(jobDirectory)}. Check --work-dir and --job-id, or run without --resume.");
                }

                var now = time.GetUtcNow();
                await store.CreateJobAsync(
                    new JobRecord { JobId = jobId, DefinitionJson = definition.ToJson(), Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now },
                    collections,
                    cancellationToken).ConfigureAwait(false);
                return new VerifyJobState(store, jobId);
            }

            var stored = JobDefinition.FromJson(existing.DefinitionJson);
            if (stored.Method != JobDefinition.VerifyMethod)
            {
                throw new MigrationException($"Job {jobId} in {Path.GetDirectoryName(jobDirectory)} is a {stored.Method} job, not a verification. Give the id of a verification, or another --job-id.");
            }

            if (Describe(stored) != Describe(definition))
            {
                throw new MigrationException(
                    $"Verification {jobId} compared {Describe(stored)}; this run asks for {Describe(definition)}. Give the same source, target, selection and --sample to resume it, or another --job-id.");
            }

            var known = (await store.GetCollectionsAsync(jobId, cancellationToken).ConfigureAwait(false)).Select(c => c.SourceNamespace).ToHashSet(StringComparer.Ordinal);
            foreach (var added in collections.Where(c => !known.Contains(c.SourceNamespace)))
            {
                await store.ResetCollectionAsync(jobId, added, cancellationToken).ConfigureAwait(false);
            }

            await store.UpdateJobAsync(jobId, JobStatus.Running, null, cancellationToken).ConfigureAwait(false);
            return new VerifyJobState(store, jobId);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The ranges an earlier run planned for <paramref name="ns"/>, with the results it recorded; null when none.</summary>
    public async Task<IReadOnlyList<RawDocument>?> PlanOfAsync(string ns, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return _plans.GetValueOrDefault(ns);
        }

        var ranges = await _store.GetVerifyRangesAsync(_jobId, ns, cancellationToken).ConfigureAwait(false);
        if (ranges.Count == 0)
        {
            return null;
        }

        foreach (var range in ranges.Where(r => r.IsCompared))
        {
            _done[(ns, range.Index)] = JsonSerializer.Deserialize<VerificationResult>(range.ResultJson!, Json)
                ?? throw new MigrationException($"The result of range {range.Index} of {ns} in verification {_jobId} is empty. Start the verification again under another --job-id.");
        }

        return [.. ranges.Select(r => new RawDocument(r.Filter))];
    }

    /// <summary>The result an earlier run recorded for range <paramref name="index"/> of <paramref name="ns"/>, or null.</summary>
    public VerificationResult? ResultOf(string ns, int index) => _done.GetValueOrDefault((ns, index));

    public async Task SavePlanAsync(string ns, IReadOnlyList<RawDocument> ranges, CancellationToken cancellationToken)
    {
        _plans[ns] = ranges;
        if (_store is not null)
        {
            await _store.SaveVerifyPlanAsync(_jobId, ns, [.. ranges.Select(r => r.Span.ToArray())], cancellationToken).ConfigureAwait(false);
            await _store.UpdateCollectionAsync(_jobId, ns, CollectionStatus.Copying, null, null, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task SaveResultAsync(string ns, int index, VerificationResult result, CancellationToken cancellationToken) =>
        _store is null
            ? Task.CompletedTask
            : _store.RecordVerifyRangeAsync(_jobId, ns, index, result.SourceDocuments, result.Missing + result.Extra + result.Different, JsonSerializer.Serialize(result, Json), cancellationToken);

    /// <summary>Records how a collection ended: completed when equal, failed with what differs otherwise.</summary>
    public Task RecordCollectionAsync(NamespaceReport report, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return Task.CompletedTask;
        }

        var error = report.Equal ? null
            : report.Error ?? (report.TargetExists
                ? $"{report.Missing} missing, {report.Extra} extra and {report.Different} different documents, {report.OptionDifferences.Count} option and {report.IndexDifferences.Count} index difference(s)"
                : "the target has no collection of that name");
        return _store.UpdateCollectionAsync(_jobId, report.Source, report.Equal ? CollectionStatus.Completed : CollectionStatus.Failed, error, null, cancellationToken);
    }

    /// <summary>Records how the job ended (stopped, failed or completed), never cancelled itself.</summary>
    public Task FinishAsync(JobStatus status, string? error) =>
        _store is null ? Task.CompletedTask : _store.UpdateJobAsync(_jobId, status, error, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Describe(JobDefinition definition) => FormattableString.Invariant(
        $"{definition.Source} -> {definition.Target}, selection {(definition.Selection.Length > 0 ? definition.Selection : "(everything)")}, sample {definition.SampleFraction ?? 1:0.####}");
}
