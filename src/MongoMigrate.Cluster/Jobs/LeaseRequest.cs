namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// A silo asking for work: who it is, where to tell it that something changed, its own caps (a process never runs
/// more workers than it was started with, whatever its share of the job's pools), and its own account of what it holds:
/// a report the grain never received (its silo died mid-call) or a grant the silo never received must not leave a chunk
/// leased to a silo that has forgotten it, so the grain takes back what the silo does not say it holds.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record LeaseRequest
{
    [Id(0)]
    public required string Silo { get; init; }

    [Id(1)]
    public IClusterObserver? Observer { get; init; }

    [Id(2)]
    public int MaxDumpWorkers { get; init; } = int.MaxValue;

    [Id(3)]
    public int MaxRestoreWorkers { get; init; } = int.MaxValue;

    /// <summary>The chunks the silo is copying or reporting now; null when it gives no account (nothing is taken back).</summary>
    [Id(4)]
    public IReadOnlyList<ChunkLease>? Held { get; init; }

    /// <summary>The collections the silo is finishing now (with <see cref="Held"/>).</summary>
    [Id(5)]
    public IReadOnlyList<int> Finishing { get; init; } = [];

    /// <summary>
    /// Grows with every request of the silo's process: a request overtaken by a later one (Orleans does not order calls,
    /// and a timed-out call may still arrive) gets nothing and takes nothing back.
    /// </summary>
    [Id(6)]
    public long Sequence { get; init; }
}
