namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Decides a pool's next maximum from what the last interval showed; pluggable, so the engine can bring its own.</summary>
public interface IWorkerScalingPolicy
{
    /// <summary>Returns the maximum to use for the next interval; the scaler clamps it into the configured bounds.</summary>
    int Decide(WorkerScalingSample sample);
}
