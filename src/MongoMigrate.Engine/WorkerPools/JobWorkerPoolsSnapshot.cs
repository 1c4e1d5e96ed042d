namespace MongoMigrate.Engine.WorkerPools;

/// <summary>A job's two pools at one moment; a pool the job has not created yet is null.</summary>
public sealed record JobWorkerPoolsSnapshot(string JobId, WorkerPoolSnapshot? Dump, WorkerPoolSnapshot? Restore);
