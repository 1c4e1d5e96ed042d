namespace MongoMigrate.Dashboard.Contracts;

/// <summary>One chunk of a collection: its <c>_id</c> range, status and what it copied.</summary>
public sealed record ChunkRow(int Index, string Range, string Status, int Attempts, long Documents, long Bytes, bool Verified, string? Error);

/// <summary>How many chunks of the job have a status.</summary>
public sealed record ChunkCount(string Status, int Chunks, long Documents, long Bytes);
