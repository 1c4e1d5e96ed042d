using MongoMigrate.Engine;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Checks the work folder before a job starts, so that a folder that is a file, cannot be written, holds a
/// read-only state or sits on a full disk is one clear line naming --work-dir, not an exception from deep inside.
/// </summary>
internal static class WorkDirectoryCheck
{
    /// <summary>Less free space than this and the job state itself may not fit.</summary>
    public const long MinimumFreeBytes = 1024 * 1024;

    private const string Option = "--work-dir";

    /// <summary>Creates the folder when missing and proves it writable; a job's existing state must be writable too.</summary>
    public static void Ensure(string workDirectory, string? jobId)
    {
        var full = Path.GetFullPath(workDirectory);
        for (var folder = full; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                throw new UsageException(folder == full
                    ? $"{Option} '{workDirectory}' is a file, not a folder: give a folder (it is created when missing)."
                    : $"{Option} '{workDirectory}' cannot be created: '{folder}' is a file. Give a folder (it is created when missing).");
            }
        }

        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException($"{Option} '{workDirectory}' cannot be created: {Sentence(e.Message)} Choose a folder you can write to.", e);
        }

        var free = FreeBytes(full);
        if (free is < MinimumFreeBytes)
        {
            throw new MigrationException($"The disk of {Option} '{workDirectory}' is full ({free} bytes free): free some space or choose another {Option}, then run the same command again.");
        }

        // The most precise reason first: a job's own state that cannot be written.
        if (jobId is not null && Path.Combine(full, jobId, "state.db") is var state && File.Exists(state))
        {
            try
            {
                using var file = new FileStream(state, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MigrationException($"The job state '{state}' cannot be written: {Sentence(e.Message)} Make it and its folder writable, or choose another {Option}.", e);
            }
        }

        ProveWritable(full, $"{Option} '{workDirectory}'");
        if (jobId is not null && Directory.Exists(Path.Combine(full, jobId)))
        {
            ProveWritable(Path.Combine(full, jobId), $"The job folder '{Path.Combine(full, jobId)}'");
        }
    }

    private static void ProveWritable(string folder, string what)
    {
        var probe = Path.Combine(folder, $".mongomigrate-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            file.WriteByte(0);
            file.Flush(flushToDisk: false);
        }
        catch (IOException e) when (e.HResult == 28 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))
        {
            throw new MigrationException($"The disk of {what} is full: free some space or choose another {Option}, then run the same command again.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException($"{what} is not writable: {Sentence(e.Message)} Choose a folder you can write to.", e);
        }
    }

    private static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No answer about the disk: the writes themselves will tell.
            return null;
        }
    }

    /// <summary>The error's first line (<see cref="ErrorText.FirstLine"/>) as a sentence, ending in a period.</summary>
    private static string Sentence(string text)
    {
        var line = ErrorText.FirstLine(text);
        return line.EndsWith('.') ? line : line + ".";
    }
}
