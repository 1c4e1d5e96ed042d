namespace MongoMigrate.Engine.Migration;

/// <summary>A chunk that failed for good in this run, after its attempts.</summary>
public sealed record ChunkFailure(int Index, string Description, int Attempts, string Reason, Exception Exception);
