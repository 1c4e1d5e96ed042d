namespace MongoMigrate.Engine.State;

/// <summary>What verifying one chunk found: identical documents, or the difference that sends it back to be copied again.</summary>
public sealed record ChunkVerification(int Index, long Identical, string? Difference)
{
    public bool IsEqual => Difference is null;
}
