using System.Diagnostics;

namespace MongoMigrate.Bench.Migration.Processes;

/// <summary>
/// One sandbox server as its own process (<c>mongomigrate sandbox --port 0</c>), so its CPU and memory are
/// apart from the migrating process's; the harness reads its CPU before and after each contender.
/// </summary>
public sealed class SandboxProcess : IAsyncDisposable
{
    private const string ReadyLine = "sandbox listening on ";

    private readonly Process _process;
    private readonly Task _drain;

    private SandboxProcess(string name, Process process, string connectionString, Task drain)
    {
        Name = name;
        _process = process;
        ConnectionString = connectionString;
        _drain = drain;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public int ProcessId => _process.Id;

    /// <summary>User plus system CPU the server has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory now, in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public static async Task<SandboxProcess> StartAsync(string name, string cliDll, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = DotnetHost.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cliDll, "sandbox", "--port", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the sandbox process.");
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var drain = Task.WhenAll(ReadOutputAsync(process.StandardOutput, ready), DrainAsync(process.StandardError));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            var connectionString = await ready.Task.WaitAsync(limit.Token).ConfigureAwait(false);
            return new SandboxProcess(name, process, connectionString, drain);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await _drain.ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task ReadOutputAsync(StreamReader output, TaskCompletionSource<string> ready)
    {
        while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var at = line.IndexOf(ReadyLine, StringComparison.Ordinal);
            var uri = line.IndexOf("mongodb://", StringComparison.Ordinal);
            if (at >= 0 && uri > at)
            {
                ready.TrySetResult(line[uri..].Trim());
            }
        }

        ready.TrySetException(new InvalidOperationException("The sandbox process ended before it was listening."));
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is not null)
        {
        }
    }
}
