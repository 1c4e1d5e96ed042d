using System.Runtime.InteropServices;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>hostInfo: the machine the server runs on, in mongod's shape (system, os, extra).</summary>
internal sealed class HostInfoCommand : SyncCommandHandler
{
    public override string Name => "hostInfo";

    public override IReadOnlyList<string> Aliases => ["hostinfo"];

    protected override void Execute(CommandContext context)
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var host = context.Server.Address.Split(':')[0];
        context.Reply.StartDocument("system")
            .DateTime("currentTime", context.Server.Clock.WallTimeMilliseconds)
            .String("hostname", host)
            .Int32("cpuAddrSize", Environment.Is64BitProcess ? 64 : 32)
            .Int64("memSizeMB", memory / (1024 * 1024))
            .Int64("memLimitMB", memory / (1024 * 1024))
            .Int32("numCores", Environment.ProcessorCount)
            .Int32("numPhysicalCores", Environment.ProcessorCount)
            .Int32("numCpuSockets", 1)
            .String("cpuArch", RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant())
            .Boolean("numaEnabled", false)
            .Int32("numNumaNodes", 1)
            .End()
            .StartDocument("os")
            .String("type", OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "Darwin" : "Unknown")
            .String("name", RuntimeInformation.OSDescription)
            .String("version", Environment.OSVersion.Version.ToString())
            .End()
            .StartDocument("extra").String("versionString", RuntimeInformation.OSDescription).End();
    }
}
