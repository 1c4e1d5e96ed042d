using System.Collections.Concurrent;
using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>
/// The jobs a dashboard serves: those running in this process (live, steerable) and, with a work folder, every job
/// whose state file is there (read-only). A live job hides the stored view of itself.
/// </summary>
public sealed class JobRegistry(string? workDirectory, Func<string, string> redact, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, LiveJob> _live = new(StringComparer.Ordinal);

    public string? WorkDirectory { get; } = workDirectory;

    /// <summary>Masks secrets in text taken from jobs.</summary>
    public Func<string, string> Redact { get; } = redact;

    public IReadOnlyCollection<LiveJob> Live => [.. _live.Values];

    public void Add(LiveJob job) => _live[job.JobId] = job;

    /// <summary>Closes every running job's state file: once this returns, no read of the dashboard touches it.</summary>
    public async Task CloseStatesAsync()
    {
        foreach (var job in _live.Values)
        {
            await job.CloseStateAsync().ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<IDashboardJob>> ListAsync(CancellationToken cancellationToken)
    {
        var live = _live.Values.OrderBy(j => j.JobId, StringComparer.Ordinal).ToList<IDashboardJob>();
        if (WorkDirectory is null)
        {
            return live;
        }

        var stored = await JobCatalog.ListAsync(WorkDirectory, timeProvider, cancellationToken).ConfigureAwait(false);
        return [.. live, .. stored.Where(o => !_live.ContainsKey(o.JobId)).Select(o => new StoredJob(o, Redact))];
    }

    /// <summary>The job <paramref name="jobId"/>, or null when there is none.</summary>
    public async Task<IDashboardJob?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(jobId, out var live))
        {
            return live;
        }

        if (WorkDirectory is null)
        {
            return null;
        }

        var stored = await JobCatalog.ListAsync(WorkDirectory, timeProvider, cancellationToken).ConfigureAwait(false);
        return stored.FirstOrDefault(o => o.JobId == jobId) is { } overview ? new StoredJob(overview, Redact) : null;
    }
}
