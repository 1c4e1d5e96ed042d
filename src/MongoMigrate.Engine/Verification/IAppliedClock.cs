namespace MongoMigrate.Engine.Verification;

/// <summary>
/// Where an online job's following stands, for its continuous verification: the cluster time up to which every change
/// of the source is applied to the target (and its keys handed to the recheck queue), and the source's own time.
/// </summary>
public interface IAppliedClock
{
    /// <summary>Every change at or before this cluster time is applied and queued for its recheck.</summary>
    ulong AppliedTime { get; }

    /// <summary>Completes once <see cref="AppliedTime"/> is at least <paramref name="clusterTime"/>; signalled, never polled.</summary>
    Task WaitForAppliedAsync(ulong clusterTime, CancellationToken cancellationToken);

    /// <summary>The source's current cluster time, as the source tells it.</summary>
    Task<ulong> SourceTimeAsync(CancellationToken cancellationToken);
}
