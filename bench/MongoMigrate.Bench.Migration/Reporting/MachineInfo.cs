using System.Runtime.InteropServices;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>The machine a run came from, recorded beside its figures.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGigabytes, string OperatingSystem, string Runtime)
{
    public static MachineInfo Current()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9;
        return new MachineInfo(Environment.ProcessorCount, ReadCpuModel(), Math.Round(memory, 1), OsName(), RuntimeInformation.FrameworkDescription);
    }

    public override string ToString() => $"{CpuModel}, {Cores} cores, {MemoryGigabytes:0.#} GB RAM, {OperatingSystem}, {Runtime}";

    private static string ReadCpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string OsName()
    {
        if (File.Exists("/etc/os-release"))
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (line is not null)
            {
                return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }

        return RuntimeInformation.OSDescription;
    }
}
