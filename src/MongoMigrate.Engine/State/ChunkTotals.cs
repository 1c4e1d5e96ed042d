namespace MongoMigrate.Engine.State;

/// <summary>How many chunks of one collection are in one status, and the documents and bytes they hold.</summary>
public sealed record ChunkTotals(string SourceNamespace, ChunkStatus Status, int Chunks, long Documents, long Bytes);
