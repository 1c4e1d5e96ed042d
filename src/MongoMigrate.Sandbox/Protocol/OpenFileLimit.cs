using System.Globalization;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>
/// How many connections the process can hold before it runs out of file descriptors. Like mongod, which
/// caps its connections at 80% of the open-files limit, the sandbox serves no more than 80% of the files
/// it may still open, so accept() never meets EMFILE and the runtime keeps the descriptors it needs
/// (loading code, naming threads) when a client opens too many connections.
/// </summary>
internal static class OpenFileLimit
{
    private const double Share = 0.8;

    /// <summary><paramref name="configured"/>, lowered to what the open-files limit allows where that is known (Linux).</summary>
    public static int Connections(int configured)
    {
        try
        {
            var open = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
            return Connections(configured, File.ReadAllText("/proc/self/limits"), open);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return configured;
        }
    }

    /// <summary>The cap from the text of /proc/self/limits and the number of descriptors open now.</summary>
    public static int Connections(int configured, string limits, int openNow)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (!long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
            {
                return configured;
            }

            var allowed = (long)((limit - openNow) * Share);
            return (int)Math.Clamp(allowed, 1, configured);
        }

        return configured;
    }
}
