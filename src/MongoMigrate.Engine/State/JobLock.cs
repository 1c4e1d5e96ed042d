using System.Globalization;

namespace MongoMigrate.Engine.State;

/// <summary>
/// Keeps a second process off a job: an exclusively opened lock file in the job folder. The operating
/// system releases it when its process ends, however it ends (on Unix it is an flock), so a lock left by
/// a killed process is simply taken over by the next run: there is no stale lock to detect or break.
/// Who holds it is written beside it (lock.owner), because the lock file itself cannot be read while held.
/// </summary>
public sealed class JobLock : IDisposable
{
    private const string LockFileName = "lock";
    private const string OwnerFileName = "lock.owner";

    private readonly FileStream _file;

    private JobLock(FileStream file)
    {
        _file = file;
    }

    /// <summary>Takes the job's lock, or throws a one-line error naming the process that holds it.</summary>
    public static JobLock Acquire(string jobDirectory, string jobId, TimeProvider? timeProvider = null)
    {
        Directory.CreateDirectory(jobDirectory);
        FileStream file;
        try
        {
            file = new FileStream(Path.Combine(jobDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = ReadOwner(jobDirectory);
            throw new MigrationException(
                $"Job {jobId} is already running in another mongomigrate process{(holder is null ? string.Empty : $" ({holder})")}: wait for it to finish, or stop it (Ctrl+C) before resuming.");
        }

        var owner = string.Create(
            CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}, since {(timeProvider ?? TimeProvider.System).GetUtcNow():yyyy-MM-dd HH:mm:ss}Z");
        try
        {
            File.WriteAllText(Path.Combine(jobDirectory, OwnerFileName), owner);
        }
        catch (IOException)
        {
            // Only the error message of a second process uses it.
        }

        return new JobLock(file);
    }

    /// <summary>Whether a live process holds the job's lock now, and who (when known). Never creates the lock file.</summary>
    public static (bool Held, string? Owner) Probe(string jobDirectory)
    {
        var path = Path.Combine(jobDirectory, LockFileName);
        if (!File.Exists(path))
        {
            return (false, null);
        }

        try
        {
            // Held for an instant only: a run starting at this very moment retries nothing, so keep it short.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return (false, null);
        }
        catch (IOException)
        {
            return (true, ReadOwner(jobDirectory));
        }
        catch (UnauthorizedAccessException)
        {
            return (false, null);
        }
    }

    public void Dispose() => _file.Dispose();

    private static string? ReadOwner(string jobDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(jobDirectory, OwnerFileName)).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
