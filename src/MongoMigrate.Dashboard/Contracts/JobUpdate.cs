namespace MongoMigrate.Dashboard.Contracts;

/// <summary>What a job's event stream pushes: the job and its pools as they are now.</summary>
public sealed record JobUpdate(JobDetail Job, JobPools? Pools);
