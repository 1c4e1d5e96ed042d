using System.Runtime.InteropServices;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM, caught from before the command starts: the first one cancels the command's token, so
/// the job stops its chunks and records a resumable state however long that takes; a second one ends the process at
/// once, as the runtime would (exit 130 or 143). Registered before the command runs, not after its first await as the
/// command-line library would, so a signal that comes while a command is still starting is never lost.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public TerminationSignals()
    {
        _registrations = OperatingSystem.IsWindows() || OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)]
            : [];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            // The second signal: the user means it; the default action ends the process.
            return;
        }

        context.Cancel = true;
        _cancellation.Cancel();
    }
}
