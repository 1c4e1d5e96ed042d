using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Tests;

/// <summary>A job as its state file holds it at one moment, read from outside the process that runs it (WAL lets a reader in at any time).</summary>
internal sealed record JobSnapshot
{
    public bool Exists { get; init; }

    public string Status { get; init; } = "none";

    public int Pending { get; init; }

    public int Copying { get; init; }

    public int Copied { get; init; }

    public int Completed { get; init; }

    public int Chunks { get; init; }

    public int Dumped { get; init; }

    public int Restored { get; init; }

    /// <summary>An online job's phase as its process last saved it (copying, catching up, following, ...), or null.</summary>
    public string? OnlinePhase { get; init; }

    /// <summary>When the online status was last saved (by the running process, every second).</summary>
    public DateTimeOffset? OnlineUpdatedAt { get; init; }

    public static async Task<JobSnapshot> ReadAsync(string jobDirectory, string jobId, CancellationToken cancellationToken)
    {
        var path = JobFolder.StatePath(jobDirectory);
        if (!File.Exists(path))
        {
            return new JobSnapshot();
        }

        await using var state = await SqliteJobStateStore.OpenAsync(path, cancellationToken: cancellationToken);
        if (await state.GetJobAsync(jobId, cancellationToken) is not { } job)
        {
            return new JobSnapshot();
        }

        var collections = await state.GetCollectionsAsync(jobId, cancellationToken);
        var totals = await state.GetChunkTotalsAsync(jobId, cancellationToken);
        return new JobSnapshot
        {
            Exists = true,
            Status = job.Status.ToString(),
            Pending = collections.Count(c => c.Status == CollectionStatus.Pending),
            Copying = collections.Count(c => c.Status is CollectionStatus.Planned or CollectionStatus.Copying or CollectionStatus.Failed),
            Copied = collections.Count(c => c.Status == CollectionStatus.Copied),
            Completed = collections.Count(c => c.Status == CollectionStatus.Completed),
            Chunks = totals.Sum(t => t.Chunks),
            Dumped = totals.Where(t => t.Status == ChunkStatus.Dumped).Sum(t => t.Chunks),
            Restored = totals.Where(t => t.Status == ChunkStatus.Restored).Sum(t => t.Chunks),
            OnlinePhase = (await state.GetOnlineStatusAsync(jobId, cancellationToken))?.Phase,
            OnlineUpdatedAt = (await state.GetOnlineStatusAsync(jobId, cancellationToken))?.UpdatedAt,
        };
    }

    /// <summary>The phase the job was in, and what it had done.</summary>
    public override string ToString() => !Exists
        ? "no job yet (discovery)"
        : $"phase {(Pending > 0 ? "planning" : Copying > 0 ? "dump/restore" : Copied > 0 ? "index build/verification" : "finishing")}; "
          + $"collections {Pending} pending, {Copying} copying, {Copied} copied, {Completed} completed; chunks {Restored}/{Chunks} restored, {Dumped} dumped"
          + (OnlinePhase is null ? string.Empty : $"; online: {OnlinePhase}");
}
