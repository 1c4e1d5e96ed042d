using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// What a sync-back follows, read from the job's state: the job's collections the other way round (each target
/// namespace back to its source namespace, renames reversed), from the target's cluster time recorded at the cutover.
/// Only a cut-over online job has one; anything else is refused with one line that says why and what to do.
/// </summary>
public sealed record SyncBackPlan
{
    /// <summary>(followed: the job's target namespace, written: the job's source namespace) for each collection.</summary>
    public required IReadOnlyList<(NamespaceName Source, NamespaceName Target)> Collections { get; init; }

    /// <summary>The target's cluster time at the cutover: the sync-back's change stream starts there.</summary>
    public required ulong StartTime { get; init; }

    /// <summary>The job's restore workers, the apply lanes' default.</summary>
    public int RestoreWorkers { get; init; }

    /// <summary>The job's dump workers: the continuous verification's reads run under as many slots.</summary>
    public int DumpWorkers { get; init; }

    /// <summary>The sync-back was cut back already by an earlier run.</summary>
    public bool CutBackAlready { get; init; }

    /// <exception cref="MigrationException">No such job, not an online job, not cut over, other deployments, or no recorded start.</exception>
    public static async Task<SyncBackPlan> ReadAsync(SqliteJobStateStore state, string jobId, string workDirectory, MongoEndpoint source, MongoEndpoint target, CancellationToken cancellationToken)
    {
        var job = await state.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new MigrationException($"There is no job {jobId} in {workDirectory}: check --job-id and --work-dir (mongomigrate jobs lists them).");
        var definition = JobDefinition.FromJson(job.DefinitionJson);
        if (!definition.Online || string.Equals(definition.Method, JobDefinition.VerifyMethod, StringComparison.Ordinal))
        {
            throw new MigrationException($"Job {jobId} is not an online job (it was started without --online): sync-back follows the target back to the source after an online job's cutover. Start an online job with mongomigrate migrate --online.");
        }

        var online = await state.GetOnlineStatusAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job.Status != JobStatus.Completed || online?.Phase != OnlinePhase.CutOver)
        {
            throw new MigrationException(
                $"Job {jobId} was not cut over (it is {(online?.Phase ?? job.Status.ToString().ToLowerInvariant())}): sync-back starts after a cutover. Cut it over first with mongomigrate cutover --job-id {jobId} --work-dir {workDirectory}.");
        }

        if (online.TargetTime is not { } start)
        {
            throw new MigrationException(
                $"Job {jobId}'s cutover recorded no cluster time on the target (the target gives none, e.g. a standalone server, or an older mongomigrate cut it over), so sync-back cannot know where to start following it. Compare the two sides with mongomigrate verify instead.");
        }

        if (!string.Equals(definition.Source, source.Display, StringComparison.Ordinal) || !string.Equals(definition.Target, target.Display, StringComparison.Ordinal))
        {
            throw new MigrationException(
                $"Job {jobId} copied {definition.Source} to {definition.Target}, but this run was given {source.Display} and {target.Display}. Give the job's own --source and --target (sync-back follows the target back to the source).");
        }

        var collections = await state.GetCollectionsAsync(jobId, cancellationToken).ConfigureAwait(false);
        var back = await state.SyncBack.GetOnlineStatusAsync(jobId, cancellationToken).ConfigureAwait(false);
        return new SyncBackPlan
        {
            Collections = [.. collections.Select(c => (NamespaceName.Parse(c.TargetNamespace), NamespaceName.Parse(c.SourceNamespace)))],
            StartTime = start,
            RestoreWorkers = definition.RestoreWorkers > 0 ? definition.RestoreWorkers : 4,
            DumpWorkers = definition.DumpWorkers > 0 ? definition.DumpWorkers : 4,
            CutBackAlready = back?.Phase == OnlinePhase.CutOver,
        };
    }
}
