using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>How changes are applied; validated once.</summary>
public sealed record ApplyOptions
{
    /// <summary>
    /// Queues changes are dealt to by a hash of (namespace, _id). Each lane applies its changes in order and
    /// holds a restore-pool slot only while it writes a batch, so the pool's size (changed live) decides how
    /// many lanes write at once.
    /// </summary>
    public int LaneCount { get; init; } = 16;

    /// <summary>Changes waiting in one lane; the applier stops reading the spool while a lane is full (memory stays bounded).</summary>
    public int LaneCapacity { get; init; } = 512;

    /// <summary>Most writes in one batch.</summary>
    public int MaxBatchOperations { get; init; } = 500;

    /// <summary>Most bytes of documents in one batch (a single larger change goes alone).</summary>
    public int MaxBatchBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>A checkpoint is proposed at least every this many spool records (and whenever the applier has read all there is).</summary>
    public int CheckpointEveryRecords { get; init; } = 1000;

    /// <summary>
    /// Where the keys of applied document changes go for the continuous verification's recheck (awaited after each batch
    /// is written and before it counts as applied, so a checkpoint never passes a change whose key is not queued); none by default.
    /// </summary>
    public IRecheckSink? Rechecks { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LaneCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(LaneCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchOperations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointEveryRecords, 1);
    }
}
