namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>What the target holds when a contender starts.</summary>
public enum TargetContent
{
    /// <summary>Nothing: the benchmark database is dropped first (every copying contender).</summary>
    Empty,

    /// <summary>
    /// A copy of the source, byte for byte (the source's documents replayed as the write limit's insert commands,
    /// untimed): what a verification or the read limit of both sides starts from. It is kept between such contenders.
    /// </summary>
    SourceCopy,
}
