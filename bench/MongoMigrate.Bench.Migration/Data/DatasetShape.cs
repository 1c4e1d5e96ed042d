using MongoMigrate.Datasets;

namespace MongoMigrate.Bench.Migration.Data;

/// <summary>A generated dataset: documents spread evenly over collections, each padded to about the given size.</summary>
public sealed record DatasetShape(long Documents, int Collections, int DocumentSize, IdKind Ids)
{
    /// <summary>The database every contender copies.</summary>
    public const string Database = "bench";

    /// <summary>A short label such as "200,000 docs × 1024 B in 10 collections, objectid _id".</summary>
    public override string ToString() =>
        $"{Documents:N0} docs × {DocumentSize} B in {Collections:N0} collection{(Collections == 1 ? string.Empty : "s")}, {Ids.ToString().ToLowerInvariant()} _id";

    /// <summary>Collection names c0000, c0001...; sorted order is creation order.</summary>
    public static string CollectionName(int index) => $"c{index:D4}";

    /// <summary>Documents of collection <paramref name="index"/>: an even share, the remainder to the first ones.</summary>
    public long DocumentsOf(int index) => (Documents / Collections) + (index < Documents % Collections ? 1 : 0);
}
