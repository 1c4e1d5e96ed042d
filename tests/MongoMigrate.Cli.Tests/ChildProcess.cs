using System.Diagnostics;
using System.Text;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// mongomigrate as its own process: the build beside this test assembly (the test project references the CLI,
/// so mongomigrate.dll and its runtime files are copied here), run with `dotnet`, its output captured.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "mongomigrate.dll");

    public static ChildProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        StartUnder([], args, environment);

    /// <summary>Runs mongomigrate through a launcher such as ["prlimit", "--nofile=200"].</summary>
    public static ChildProcess StartUnder(IReadOnlyList<string> launcher, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var arguments = launcher.Skip(1).ToList();
        if (launcher.Count > 0)
        {
            arguments.Add("dotnet");
        }

        arguments.Add(CliPath);
        arguments.AddRange(args);
        return StartCommand(launcher.Count > 0 ? launcher[0] : "dotnet", arguments, environment);
    }

    /// <summary>
    /// Runs mongomigrate on a terminal of its own (a pseudo-terminal through util-linux `script`), as a user at a keyboard
    /// does: the live display and its keys; what is written with <see cref="SendKeysAsync"/> arrives as key presses.
    /// </summary>
    public static ChildProcess StartInTerminal(IReadOnlyList<string> args)
    {
        var command = string.Join(' ', new[] { "dotnet", CliPath }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        return StartCommand("script", ["-qfec", $"stty cols 160 rows 50; exec {command}", "/dev/null"], new Dictionary<string, string> { ["TERM"] = "xterm-256color" });
    }

    private static ChildProcess StartCommand(string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(child._output, e.Data, first: true);
        process.ErrorDataReceived += (_, e) => child.Append(child._error, e.Data, first: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Writes keys to the process's input (a terminal's keyboard when started with <see cref="StartInTerminal"/>).</summary>
    public async Task SendKeysAsync(string keys, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteAsync(keys.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>The first line the process writes to stdout (the sandbox's "listening" line).</summary>
    public Task<string> FirstLineAsync(TimeSpan timeout, CancellationToken cancellationToken) => _firstLine.Task.WaitAsync(timeout, cancellationToken);

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed, the lock goes with the process.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>SIGINT, as Ctrl+C sends it.</summary>
    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private void Append(StringBuilder buffer, string? line, bool first)
    {
        if (line is null)
        {
            if (first)
            {
                _firstLine.TrySetException(new InvalidOperationException("The process closed its output without a line: " + Error));
            }

            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }

        if (first)
        {
            _firstLine.TrySetResult(line);
        }
    }
}
