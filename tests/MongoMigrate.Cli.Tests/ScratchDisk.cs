using System.Diagnostics;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// Small disks for tests of full and read-only disks: a tmpfs mounted on a test's folder, remounted read-only or
/// filled up. Needs root (as on CI); a test that cannot mount is skipped with the reason.
/// </summary>
internal static class ScratchDisk
{
    public static async Task MountTmpfsAsync(string folder, string size, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await RequireAsync(["mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder], cancellationToken);
    }

    /// <summary>Makes a mounted folder, or one file bound onto itself, read-only.</summary>
    public static async Task MakeReadOnlyAsync(string path, bool bindFile, CancellationToken cancellationToken)
    {
        if (bindFile)
        {
            await RequireAsync(["mount", "--bind", path, path], cancellationToken);
            await RequireAsync(["mount", "-o", "remount,bind,ro", path], cancellationToken);
            return;
        }

        await RequireAsync(["mount", "-o", "remount,ro", path], cancellationToken);
    }

    /// <summary>Unmounts whatever is mounted on <paramref name="path"/>, innermost first.</summary>
    public static async Task UnmountAsync(string path)
    {
        for (var i = 0; i < 3; i++)
        {
            if (await RunAsync(["umount", "-l", path], CancellationToken.None) != 0)
            {
                return;
            }
        }
    }

    private static async Task RequireAsync(string[] command, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip("This case mounts a small tmpfs, which needs root on Linux (as CI has).");
        }

        var code = await RunAsync(command, cancellationToken);
        if (code != 0)
        {
            Assert.Skip($"'{string.Join(' ', command)}' failed ({code}): this machine does not let tests mount a tmpfs.");
        }
    }

    private static async Task<int> RunAsync(string[] command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in command[1..])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }
}
