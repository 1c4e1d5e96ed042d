namespace MongoMigrate.Engine.State;

/// <summary>Where one chunk stands. A chunk is only ever marked Restored after its documents are on the target.</summary>
public enum ChunkStatus
{
    Planned,

    /// <summary>Its file is complete and its checksum recorded (dump-restore only).</summary>
    Dumped,
    Restored,
    Failed,
}
