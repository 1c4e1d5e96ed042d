namespace MongoMigrate.Engine.Jobs;

/// <summary>
/// A job's own folder under the work folder, named by its id: it holds the job's state (one SQLite file), its lock
/// and, for a dump-restore migration, the chunk files waiting for restore. Migrations and restores alike.
/// </summary>
public static class JobFolder
{
    public const string StateFileName = "state.db";

    /// <summary>The folder of job <paramref name="jobId"/> in <paramref name="workDirectory"/>, as a full path.</summary>
    public static string Of(string workDirectory, string jobId) => Path.GetFullPath(Path.Combine(workDirectory, jobId));

    /// <summary>The job's state file in <paramref name="jobDirectory"/>.</summary>
    public static string StatePath(string jobDirectory) => Path.Combine(jobDirectory, StateFileName);
}
