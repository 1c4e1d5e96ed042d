namespace MongoMigrate.Engine.Jobs;

/// <summary>One collection of a job in <see cref="JobOverview"/>: its standing, its chunks by outcome and its size as planned.</summary>
public sealed record CollectionOverview : CollectionStanding
{
    public int ChunksRestored { get; init; }

    public int ChunksFailed { get; init; }

    public long EstimatedDocuments { get; init; }

    public long EstimatedBytes { get; init; }
}
