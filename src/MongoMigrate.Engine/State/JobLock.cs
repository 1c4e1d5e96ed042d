namespace MongoMigrate.Engine.State;

/// <summary>
/// Keeps a second process off a job: an exclusively opened lock file in the job folder. The operating
/// system releases it when its process ends, however it ends, so a lock left by a killed process is
/// simply taken over by the next run.
/// </summary>
public sealed class JobLock : IDisposable
{
    private readonly FileStream _file;

    private JobLock(FileStream file)
    {
        _file = file;
    }

    public static JobLock Acquire(string jobDirectory, string jobId)
    {
        Directory.CreateDirectory(jobDirectory);
        var path = Path.Combine(jobDirectory, "lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true))
            {
                writer.Write(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            file.Flush();
            return new JobLock(file);
        }
        catch (IOException)
        {
            var holder = ReadHolder(path);
            throw new MigrationException(
                $"Job {jobId} is already running in another mongomigrate process{(holder is null ? string.Empty : $" (pid {holder})")}: wait for it to finish, or stop it before resuming.");
        }
    }

    public void Dispose() => _file.Dispose();

    private static string? ReadHolder(string path)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var text = reader.ReadToEnd().Trim();
            return text.Length > 0 ? text : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
