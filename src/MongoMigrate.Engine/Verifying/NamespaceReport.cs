using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Verifying;

/// <summary>What `verify` found for one collection: its options, its indexes and its documents on both sides.</summary>
public sealed record NamespaceReport
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    /// <summary>False when the target has no collection of that name.</summary>
    public bool TargetExists { get; init; } = true;

    public long SourceDocuments { get; init; }

    public long TargetDocuments { get; init; }

    public long Identical { get; init; }

    public long Missing { get; init; }

    public long Extra { get; init; }

    public long Different { get; init; }

    /// <summary>The sum of every compared source document's CRC-64, in hex: equal digests mean equal documents, in any order of reading.</summary>
    public string SourceDigest { get; init; } = "0";

    public string TargetDigest { get; init; } = "0";

    /// <summary>The first documents that differ, up to the job's limit.</summary>
    public IReadOnlyList<DocumentMismatch> Mismatches { get; init; } = [];

    /// <summary>Collection options that differ ("validator: ..."), empty when equal.</summary>
    public IReadOnlyList<string> OptionDifferences { get; init; } = [];

    /// <summary>Indexes missing, extra or different on the target ("missing on the target: email_1"), empty when equal.</summary>
    public IReadOnlyList<string> IndexDifferences { get; init; } = [];

    /// <summary>The _id ranges the collection was cut into.</summary>
    public int RangesTotal { get; init; }

    /// <summary>The ranges chosen for comparison: all of them, or the sample.</summary>
    public int RangesSampled { get; init; }

    /// <summary>The chosen ranges compared, by this run or an earlier one.</summary>
    public int RangesCompared { get; init; }

    /// <summary>Ranges compared by an earlier run of the same job, counted in from the job's state.</summary>
    public int RangesResumed { get; init; }

    /// <summary>Why the collection could not be compared, or null.</summary>
    public string? Error { get; init; }

    /// <summary>Nothing differs in what was compared, and all that was asked was compared.</summary>
    public bool Equal => Error is null && TargetExists && Missing == 0 && Extra == 0 && Different == 0
        && OptionDifferences.Count == 0 && IndexDifferences.Count == 0 && RangesCompared == RangesSampled;
}
