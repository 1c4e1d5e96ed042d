using System.Diagnostics;
using System.Globalization;

namespace MongoMigrate.Bench.Migration.Processes;

/// <summary>
/// Runs a child process to the end and measures it. On Linux with GNU time installed the child runs under
/// <c>/usr/bin/time</c>, which waits for it with wait4 and reports the kernel's own accounting at exit:
/// user and system CPU of every thread, and ru_maxrss, the peak resident set. Nothing is sampled, so the
/// last milliseconds and short peaks count. Without it, the harness polls the process every 20 ms
/// (TotalProcessorTime, and PeakWorkingSet64, which is VmHWM, so the peak is exact but the CPU misses the
/// last sample interval).
/// </summary>
public static class MeasuredProcess
{
    private const string GnuTime = "/usr/bin/time";

    /// <summary>True when measurements come from the kernel at exit rather than from polling.</summary>
    public static bool UsesRusage { get; } = OperatingSystem.IsLinux() && File.Exists(GnuTime);

    public static async Task<ProcessMeasurement> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string? timeFile = null;
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (UsesRusage)
        {
            timeFile = Path.Combine(Path.GetTempPath(), $"mm-bench-time-{Guid.NewGuid():N}.txt");
            start.FileName = GnuTime;
            foreach (var argument in new[] { "-f", "%U %S %M", "-o", timeFile, fileName })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        var polled = UsesRusage ? null : PollAsync(process, limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments.Take(3))} did not finish within {timeout}.");
        }

        var wall = clock.Elapsed;
        var stdout = await output.ConfigureAwait(false);
        var stderr = await error.ConfigureAwait(false);
        if (timeFile is not null)
        {
            var (user, system, peak) = ReadTimeFile(timeFile);
            return new ProcessMeasurement { ExitCode = process.ExitCode, Wall = wall, UserCpu = user, SystemCpu = system, PeakRssBytes = peak, Output = stdout, Error = stderr, Method = "rusage" };
        }

        var (cpu, peakRss) = await polled!.ConfigureAwait(false);
        return new ProcessMeasurement { ExitCode = process.ExitCode, Wall = wall, UserCpu = cpu, SystemCpu = TimeSpan.Zero, PeakRssBytes = peakRss, Output = stdout, Error = stderr, Method = "polling" };
    }

    /// <summary>GNU time's "%U %S %M" line: user seconds, system seconds, peak RSS in KiB (after a status line if the child failed).</summary>
    private static (TimeSpan User, TimeSpan System, long PeakRssBytes) ReadTimeFile(string path)
    {
        try
        {
            var line = File.ReadAllLines(path).LastOrDefault(l => l.Trim().Length > 0) ?? string.Empty;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var user)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var system)
                && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib))
            {
                return (TimeSpan.FromSeconds(user), TimeSpan.FromSeconds(system), kib * 1024);
            }

            throw new InvalidOperationException($"GNU time wrote '{line}', not '%U %S %M'.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(TimeSpan Cpu, long PeakRssBytes)> PollAsync(Process process, CancellationToken cancellationToken)
    {
        var cpu = TimeSpan.Zero;
        long peak = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (true)
        {
            try
            {
                process.Refresh();
                if (process.HasExited)
                {
                    return (cpu, peak);
                }

                cpu = process.TotalProcessorTime;
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                // It exited between the check and the read: the last sample stands.
                return (cpu, peak);
            }

            if (!await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                return (cpu, peak);
            }
        }
    }
}
