namespace MongoMigrate.Dashboard.Contracts;

/// <summary>A job's chunk counts by status and, when a collection is asked for, a page of its chunks.</summary>
public sealed record ChunksView(IReadOnlyList<ChunkCount> Counts, string? Collection, Page<ChunkRow>? Chunks);
