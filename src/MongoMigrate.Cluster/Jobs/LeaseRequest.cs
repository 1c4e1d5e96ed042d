namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// A silo asking for work: who it is, where to tell it that something changed, and its own caps (a process never runs
/// more workers than it was started with, whatever its share of the job's pools).
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
}
