namespace MongoMigrate.Engine.Verification;

/// <summary>The outcome of comparing one collection on both sides, document by document.</summary>
public sealed record VerificationResult
{
    /// <summary>The most mismatches a sum of results keeps by name; the counts hold them all.</summary>
    public const int MaxMismatches = 1000;

    public required string SourceNamespace { get; init; }

    public required string TargetNamespace { get; init; }

    public long SourceDocuments { get; init; }

    public long TargetDocuments { get; init; }

    /// <summary>Documents present on both sides with identical bytes.</summary>
    public long Identical { get; init; }

    /// <summary>On the source, not on the target.</summary>
    public long Missing { get; init; }

    /// <summary>On the target, not on the source.</summary>
    public long Extra { get; init; }

    /// <summary>Same _id, different bytes.</summary>
    public long Different { get; init; }

    /// <summary>What the source's documents add up to (<see cref="DocumentDigest"/>): compared with the digest a copy noted, it tells whether the source was written since.</summary>
    public ulong SourceDigest { get; init; }

    /// <summary>What the target's documents add up to, as <see cref="SourceDigest"/> for the source.</summary>
    public ulong TargetDigest { get; init; }

    /// <summary>The first documents that differ (up to the verifier's limit), for the report.</summary>
    public IReadOnlyList<DocumentMismatch> Mismatches { get; init; } = [];

    /// <summary>A few examples of what differs, as text.</summary>
    public IReadOnlyList<string> Examples => [.. Mismatches.Take(10).Select(m => m.ToString())];

    public bool IsEqual => Missing == 0 && Extra == 0 && Different == 0 && SourceDocuments == TargetDocuments;

    public static VerificationResult operator +(VerificationResult left, VerificationResult right) => left with
    {
        SourceDocuments = left.SourceDocuments + right.SourceDocuments,
        TargetDocuments = left.TargetDocuments + right.TargetDocuments,
        Identical = left.Identical + right.Identical,
        Missing = left.Missing + right.Missing,
        Extra = left.Extra + right.Extra,
        Different = left.Different + right.Different,
        SourceDigest = unchecked(left.SourceDigest + right.SourceDigest),
        TargetDigest = unchecked(left.TargetDigest + right.TargetDigest),
        Mismatches = [.. left.Mismatches.Concat(right.Mismatches).Take(MaxMismatches)],
    };
}
