using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>
/// Where one collection of a migration stands, as its state counts it: the figures shared by the job's listing read
/// back from the state (<see cref="CollectionOverview"/>) and a run's end (<c>Migration.CollectionOutcome</c>).
/// </summary>
public abstract record CollectionStanding
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public required CollectionStatus Status { get; init; }

    /// <summary>The collection's chunks (a verification's ranges); 0 until it is planned.</summary>
    public int Chunks { get; init; }

    /// <summary>Documents of every restored chunk, whichever run restored it (a verification's: those compared).</summary>
    public long Documents { get; init; }

    public long Bytes { get; init; }

    /// <summary>Indexes that could not be built, and why (one line each).</summary>
    public IReadOnlyList<string> IndexErrors { get; init; } = [];

    public string? Error { get; init; }
}
