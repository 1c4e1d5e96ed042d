namespace MongoMigrate.Engine.State;

/// <summary>A verification job's progress on one collection: ranges planned and compared, documents read, differences found.</summary>
public sealed record VerifyRangeTotals(string SourceNamespace, int Ranges, int Compared, long Documents, long Differences);
