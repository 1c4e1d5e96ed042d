using System.Globalization;

namespace MongoMigrate.Bench.Migration.Processes;

/// <summary>
/// How busy the whole machine was between two readings of /proc/stat, in cores: with the two sandboxes and
/// the migrating process on two cores, a value near 2 says the machine, not the software, set the pace.
/// </summary>
public readonly record struct MachineCpu(long BusyTicks, long TotalTicks)
{
    public static MachineCpu Read()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/stat"))
        {
            return default;
        }

        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        return new MachineCpu(total - idle, total);
    }

    /// <summary>Cores busy on average since <paramref name="earlier"/> (0 when unknown).</summary>
    public double BusyCoresSince(MachineCpu earlier)
    {
        var total = TotalTicks - earlier.TotalTicks;
        return total <= 0 ? 0 : (double)(BusyTicks - earlier.BusyTicks) / total * Environment.ProcessorCount;
    }

    /// <summary>The 1-minute load average, or -1 when unknown.</summary>
    public static double LoadAverage()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/loadavg"))
        {
            return -1;
        }

        var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return double.Parse(first, CultureInfo.InvariantCulture);
    }
}
