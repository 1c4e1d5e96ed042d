using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>
/// What the host gives the dashboard so that it can start a verification of a live job: the job's endpoints (never
/// served: the verifier connects with them), the process's coordinator (the verifier's readers are a pool of their
/// own) and its loggers.
/// </summary>
public sealed record VerifierSetup(MongoEndpoint Source, MongoEndpoint Target, WorkerPoolCoordinator Coordinator, ILoggerFactory Loggers)
{
    /// <summary>Ranges compared at once.</summary>
    public int Workers { get; init; } = 4;
}
