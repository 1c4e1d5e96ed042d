using System.Globalization;
using System.Text.Json.Serialization;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Verifying;

/// <summary>What `verify` found for one collection: its options, its indexes and its documents on both sides.</summary>
public sealed record NamespaceReport
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    /// <summary>False when the target has no collection of that name.</summary>
    public bool TargetExists { get; init; } = true;

    /// <summary>
    /// The documents compared, summed over the ranges (<see cref="VerificationResult"/>, as a migration's verification
    /// counts them); null when nothing was compared. The report's JSON shows its counts as the fields below.
    /// </summary>
    [JsonIgnore]
    public VerificationResult? Documents { get; init; }

    public long SourceDocuments => Documents?.SourceDocuments ?? 0;

    public long TargetDocuments => Documents?.TargetDocuments ?? 0;

    public long Identical => Documents?.Identical ?? 0;

    public long Missing => Documents?.Missing ?? 0;

    public long Extra => Documents?.Extra ?? 0;

    public long Different => Documents?.Different ?? 0;

    /// <summary>The sum of every compared source document's CRC-64, in hex: equal digests mean equal documents, in any order of reading.</summary>
    public string SourceDigest => Documents is { } d ? Hex(d.SourceDigest) : "0";

    public string TargetDigest => Documents is { } d ? Hex(d.TargetDigest) : "0";

    /// <summary>The first documents that differ, up to the job's limit.</summary>
    public IReadOnlyList<DocumentMismatch> Mismatches => Documents?.Mismatches ?? [];

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

    private static string Hex(ulong digest) => digest.ToString("x16", CultureInfo.InvariantCulture);
}
