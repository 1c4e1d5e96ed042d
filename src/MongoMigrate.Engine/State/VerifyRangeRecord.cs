namespace MongoMigrate.Engine.State;

/// <summary>One _id range of a verification job as stored: its filter and, once compared, what the comparison found.</summary>
public sealed record VerifyRangeRecord
{
    public required string SourceNamespace { get; init; }

    public required int Index { get; init; }

    /// <summary>The range's filter as raw BSON.</summary>
    public required byte[] Filter { get; init; }

    /// <summary>Source documents the comparison read; 0 until compared.</summary>
    public long Documents { get; init; }

    /// <summary>Documents missing, extra or different; 0 until compared.</summary>
    public long Differences { get; init; }

    /// <summary>The comparison's result as its job wrote it (JSON), or null while the range is not compared.</summary>
    public string? ResultJson { get; init; }

    public bool IsCompared => ResultJson is not null;
}
