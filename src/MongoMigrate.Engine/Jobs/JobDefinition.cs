using System.Text.Json;
using System.Text.Json.Serialization;

namespace MongoMigrate.Engine.Jobs;

/// <summary>What is stored about a job's definition: the same as its options, with the URIs redacted.</summary>
public sealed record JobDefinition
{
    /// <summary>The <see cref="Method"/> of a verification job (`mongomigrate verify`).</summary>
    public const string VerifyMethod = "verify";

    public required string Source { get; init; }

    public required string Target { get; init; }

    public required string Selection { get; init; }

    public required IReadOnlyList<string> Include { get; init; }

    public required IReadOnlyList<string> Exclude { get; init; }

    public required IReadOnlyList<string[]> Renames { get; init; }

    public required string Method { get; init; }

    public int DumpWorkers { get; init; }

    public int RestoreWorkers { get; init; }

    public int InsertionWorkers { get; init; }

    public long ChunkSizeBytes { get; init; }

    public bool Gzip { get; init; }

    /// <summary>0 in definitions written before the budget was stored.</summary>
    public long DiskBudgetBytes { get; init; }

    public bool DropTarget { get; init; }

    /// <summary>The job follows the source's changes (--online); a resumed job keeps it.</summary>
    public bool Online { get; init; }

    /// <summary>
    /// For a verification, the share of each collection's _id ranges it compares; for a migration verified by a sample
    /// (--verify sample), the share of each collection's chunks. Null: all of them, or no verification.
    /// </summary>
    public double? SampleFraction { get; init; }

    /// <summary>A migration's verification: "full", "sample" or "none"; null in definitions written before it was stored.</summary>
    public string? Verify { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static JobDefinition FromJson(string json) => JsonSerializer.Deserialize<JobDefinition>(json, Json)
        ?? throw new MigrationException("The job's stored definition is empty.");

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
