using System.Diagnostics;

namespace MongoMigrate.Cli.Tests;

/// <summary>Waits on a running `migrate --online` child by what its job folder shows: an online phase, the cutover socket.</summary>
internal static class OnlineJobWaits
{
    /// <summary>Waits until the job's saved online status is <paramref name="phase"/>; fails when the process ends first.</summary>
    public static async Task PhaseAsync(ChildProcess migrate, string work, string jobId, string phase, CancellationToken cancellationToken, int seconds = 90)
    {
        var watch = Stopwatch.StartNew();
        while ((await JobSnapshot.ReadAsync(Path.Combine(work, jobId), jobId, cancellationToken)).OnlinePhase != phase)
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), $"migrate --online never reached the {phase} phase");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The running job listens for cutover requests once it holds its lock; the socket appears in its folder then.</summary>
    public static async Task ListenerAsync(ChildProcess migrate, string work, string jobId, CancellationToken cancellationToken)
    {
        var socket = Path.Combine(work, jobId, "cutover.sock");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "migrate --online never listened for cutover requests");
            await Task.Delay(20, cancellationToken);
        }
    }
}
