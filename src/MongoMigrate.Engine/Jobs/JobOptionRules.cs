namespace MongoMigrate.Engine.Jobs;

/// <summary>The option rules every job kind (migrate, dump, restore) shares.</summary>
public static class JobOptionRules
{
    /// <summary>--connect-timeout: a whole number of seconds from 1 to 600.</summary>
    public static void RequireConnectTimeout(TimeSpan timeout) =>
        Require(timeout >= TimeSpan.FromSeconds(1) && timeout <= TimeSpan.FromSeconds(600), $"--connect-timeout must be between 1 and 600 seconds, not {timeout.TotalSeconds:0.###}");

    /// <summary>
    /// A job id names the job's folder inside the work folder: letters, digits, '-', '_' and '.', starting with a
    /// letter or digit, so that no id ('.', '..') names the work folder itself or one outside it.
    /// </summary>
    public static void RequireJobId(string? id)
    {
        if (id is null)
        {
            return;
        }

        Require(
            id.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'),
            $"--job-id '{id}' is not a job id: use 1 to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new MigrationException(message + ".");
        }
    }
}
