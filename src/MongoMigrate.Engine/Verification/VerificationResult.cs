namespace MongoMigrate.Engine.Verification;

/// <summary>The outcome of comparing one collection on both sides, document by document.</summary>
public sealed record VerificationResult
{
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

    /// <summary>A few examples of what differs, for the report.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

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
        Examples = [.. left.Examples.Concat(right.Examples).Take(10)],
    };
}
