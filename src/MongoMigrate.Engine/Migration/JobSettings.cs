namespace MongoMigrate.Engine.Migration;

/// <summary>The settings of a job that a resumed run keeps unless it is given them again.</summary>
[Flags]
public enum JobSettings
{
    None = 0,
    Method = 1,
    DumpWorkers = 2,
    RestoreWorkers = 4,
    InsertionWorkers = 8,
    ChunkSize = 16,
    Gzip = 32,
    DiskBudget = 64,

    /// <summary>The verification: full, a sample (with its share) or none.</summary>
    Verify = 128,
    All = Method | DumpWorkers | RestoreWorkers | InsertionWorkers | ChunkSize | Gzip | DiskBudget | Verify,
}
