namespace MongoMigrate.Dashboard.Contracts;

/// <summary>One collection of a job.</summary>
public sealed record CollectionRow(
    string Source,
    string Target,
    string Phase,
    int ChunksTotal,
    int ChunksDumped,
    int ChunksRestored,
    int ChunksFailed,
    long Documents,
    long EstimatedDocuments,
    long Bytes,
    long EstimatedBytes,
    double Percent,
    string? Error);
