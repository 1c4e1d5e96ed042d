namespace MongoMigrate.Bench.Migration.Data;

/// <summary>What the source actually holds after filling: the denominators of every rate.</summary>
public sealed record DatasetTotals(int Collections, long Documents, long Bytes);
