using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// Where the batches of an <see cref="InsertStage"/> take their restore-pool slots, a slot for up to
/// <see cref="InsertStage.BatchesPerSlot"/> batches inserted at once: held only while they are being inserted, never
/// while a writer waits for data, so the pool's size bounds the inserts in flight.
/// </summary>
/// <param name="Pool">The job's restore pool.</param>
/// <param name="CollectionKey">The key the batches' workers are tracked under (the source namespace).</param>
/// <param name="Priority">Larger collections get slots first.</param>
/// <param name="Describe">What a batch's worker is shown doing.</param>
public sealed record InsertSlots(WorkerPoolManager Pool, string CollectionKey, long Priority, Func<InsertBatch, string> Describe);
