using System.Diagnostics;
using System.Text.Json;
using MongoDB.Driver;
using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Data;
using MongoMigrate.Bench.Migration.Processes;
using MongoMigrate.Bench.Migration.Reporting;

namespace MongoMigrate.Bench.Migration.Scenarios;

/// <summary>
/// The two sandbox processes and the scratch folder of one harness run: loads datasets on the source and
/// runs one contender at a time against an emptied target, measuring it and the servers meanwhile.
/// </summary>
public sealed class BenchmarkSession : IAsyncDisposable
{
    private static readonly TimeSpan ContenderTimeout = TimeSpan.FromMinutes(30);

    private readonly SandboxProcess _source;
    private readonly SandboxProcess _target;
    private readonly MongoClient _sourceClient;
    private readonly MongoClient _targetClient;
    private readonly string _scratch;
    private readonly Dictionary<string, string?> _missingCommands = [];
    private DatasetShape? _loaded;
    private DatasetShape? _shape;
    private bool _targetHoldsCopy;

    private BenchmarkSession(string cliDll, string harnessDll, SandboxProcess source, SandboxProcess target, string scratch)
    {
        CliDll = cliDll;
        HarnessDll = harnessDll;
        _source = source;
        _target = target;
        _scratch = scratch;
        _sourceClient = new MongoClient(source.ConnectionString);
        _targetClient = new MongoClient(target.ConnectionString);
    }

    public string CliDll { get; }

    public string HarnessDll { get; }

    /// <summary>What the source holds now; set by <see cref="LoadAsync"/>.</summary>
    public DatasetTotals Totals { get; private set; } = new(0, 0, 0);

    private string BatchFile => Path.Combine(_scratch, "write-limit.batches");

    /// <summary>Starts the servers from <paramref name="serversDll"/>'s sandbox; the contenders run <paramref name="cliDll"/>.</summary>
    public static async Task<BenchmarkSession> StartAsync(string cliDll, string serversDll, string harnessDll, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"mm-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(scratch);
        var source = await SandboxProcess.StartAsync("source", serversDll, cancellationToken).ConfigureAwait(false);
        try
        {
            var target = await SandboxProcess.StartAsync("target", serversDll, cancellationToken).ConfigureAwait(false);
            return new BenchmarkSession(cliDll, harnessDll, source, target, scratch);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Fills the source with <paramref name="shape"/> unless it already holds it, then takes its exact size.</summary>
    public async Task<DatasetTotals> LoadAsync(DatasetShape shape, TextWriter log, CancellationToken cancellationToken)
    {
        if (_loaded == shape)
        {
            return Totals;
        }

        var clock = Stopwatch.StartNew();
        await log.WriteLineAsync($"Loading the source: {shape}...").ConfigureAwait(false);
        _targetHoldsCopy = false;
        await SourceDataset.FillAsync(_sourceClient, shape, cancellationToken).ConfigureAwait(false);
        Totals = await SourceDataset.ScanAsync(_sourceClient, BatchFile, cancellationToken).ConfigureAwait(false);
        _loaded = shape;
        _shape = shape;
        await log.WriteLineAsync($"  {Totals.Documents:N0} documents, {Totals.Bytes / 1e6:N1} MB (average {Totals.Bytes / (double)Math.Max(1, Totals.Documents):N0} B) in {clock.Elapsed.TotalSeconds:N1} s.").ConfigureAwait(false);
        return Totals;
    }

    /// <summary>Null when the CLI has <paramref name="command"/>, else why the contenders needing it cannot run.</summary>
    public async Task<string?> MissingCommandAsync(string command, CancellationToken cancellationToken)
    {
        if (!_missingCommands.TryGetValue(command, out var reason))
        {
            // An unknown command still prints the root help with exit code 0, so read the command list instead.
            var probe = await MeasuredProcess.RunAsync(DotnetHost.Path, [CliDll, "--help"], TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            var listed = probe.Output.Split('\n')
                .SkipWhile(line => !line.StartsWith("Commands:", StringComparison.Ordinal))
                .Skip(1)
                .Select(line => line.Trim().Split(' ', 2)[0])
                .Contains(command, StringComparer.Ordinal);
            reason = listed ? null : $"not available: this mongomigrate has no '{command}' command yet";
            _missingCommands[command] = reason;
        }

        return reason;
    }

    /// <summary>Runs <paramref name="contender"/> once against an empty target and measures it.</summary>
    public async Task<ContenderSample> RunAsync(Contender contender, int round, int position, string? wrap, CancellationToken cancellationToken)
    {
        if (_loaded is null && _shape is { } changed)
        {
            // The contender before wrote to the source: load the dataset again (same seed, same sizes; untimed).
            await LoadAsync(changed, TextWriter.Null, cancellationToken).ConfigureAwait(false);
        }

        await PrepareTargetAsync(contender.TargetBefore, cancellationToken).ConfigureAwait(false);
        var work = Path.Combine(_scratch, "work");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        var context = new ContenderContext(CliDll, HarnessDll, _source.ConnectionString, _target.ConnectionString, work, BatchFile);

        var sourceBefore = _source.CpuTime;
        var targetBefore = _target.CpuTime;
        var machineBefore = MachineCpu.Read();
        var steps = new List<ProcessMeasurement>();
        using var besideStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var beside = contender.Beside?.Invoke(context, besideStop.Token) ?? Task.FromResult<BesideReport>(null!);
        foreach (var original in contender.Steps(context))
        {
            var step = Wrapped(original, wrap, contender.Name);
            var measured = await MeasuredProcess.RunAsync(step.FileName, step.Arguments, ContenderTimeout, cancellationToken).ConfigureAwait(false);
            steps.Add(measured);
            if (measured.ExitCode != 0)
            {
                break;
            }
        }

        if (!contender.BesideEndsRun || steps[^1].ExitCode != 0)
        {
            await besideStop.CancelAsync().ConfigureAwait(false);
        }

        BesideReport? besideReport;
        try
        {
            besideReport = await beside.WaitAsync(ContenderTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException or IOException or MongoException or JsonException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            besideReport = new BesideReport($"the client beside stopped: {e.Message}", Error: contender.BesideEndsRun ? $"the client beside failed: {e.Message}" : null);
        }

        var machine = MachineCpu.Read().BusyCoresSince(machineBefore);
        var sourceCpu = (_source.CpuTime - sourceBefore).TotalSeconds;
        var targetCpu = (_target.CpuTime - targetBefore).TotalSeconds;
        var error = ProblemWith(contender, steps) ?? besideReport?.Error;
        if (error is { Length: > 400 })
        {
            error = error[..400] + "...";
        }

        var expected = Totals.Documents;
        if (contender.ChangesSource)
        {
            expected = await TargetState.CountDocumentsAsync(_sourceClient, cancellationToken).ConfigureAwait(false);
            _loaded = null;
            _targetHoldsCopy = false;
        }

        var checkedDocuments = contender switch
        {
            { PrintsVerifyReport: true } => VerifyOutput.Read(steps[^1].Output)?.Documents ?? -1,
            { WritesTarget: true } => await TargetState.CountDocumentsAsync(_targetClient, cancellationToken).ConfigureAwait(false),
            _ => ChildResult.FromOutput(steps[^1].Output)?.Documents ?? -1,
        };
        if (error is null && checkedDocuments != expected)
        {
            error = $"{checkedDocuments:N0} documents {(contender.WritesTarget ? "on the target" : "read")}, expected {expected:N0}{(contender.ChangesSource ? " (the source's count after its writes)" : string.Empty)}";
        }

        Directory.Delete(work, recursive: true);
        return new ContenderSample
        {
            Round = round,
            Position = position,
            WallSeconds = steps.Sum(s => s.Wall.TotalSeconds),
            UserCpuSeconds = steps.Sum(s => s.UserCpu.TotalSeconds),
            SystemCpuSeconds = steps.Sum(s => s.SystemCpu.TotalSeconds),
            PeakRssBytes = steps.Max(s => s.PeakRssBytes),
            SourceCpuSeconds = sourceCpu,
            TargetCpuSeconds = targetCpu,
            MachineBusyCores = machine,
            DocumentsChecked = checkedDocuments,
            Beside = besideReport?.Note,
            Metrics = besideReport?.Metrics,
            Error = error,
        };
    }

    public async ValueTask DisposeAsync()
    {
        _sourceClient.Dispose();
        _targetClient.Dispose();
        await _source.DisposeAsync().ConfigureAwait(false);
        await _target.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // Temporary files; the OS cleans them up.
        }
    }

    /// <summary>
    /// Empties the target, or gives it a byte-for-byte copy of the source (the source's documents replayed as the
    /// write limit's insert commands, untimed), kept while the next contenders also want it.
    /// </summary>
    private async Task PrepareTargetAsync(TargetContent content, CancellationToken cancellationToken)
    {
        if (content == TargetContent.SourceCopy && _targetHoldsCopy)
        {
            return;
        }

        await TargetState.ResetAsync(_targetClient, cancellationToken).ConfigureAwait(false);
        _targetHoldsCopy = false;
        if (content == TargetContent.SourceCopy)
        {
            var replay = new ChildArguments(WriteLimit.Name, _source.ConnectionString, _target.ConnectionString, 4, BatchFile);
            var copied = await WriteLimit.RunAsync(replay, cancellationToken).ConfigureAwait(false);
            if (copied.Documents != Totals.Documents)
            {
                throw new InvalidOperationException($"Copying the source to the target for a verification gave {copied.Documents:N0} documents, not {Totals.Documents:N0}.");
            }

            _targetHoldsCopy = true;
        }
    }

    private static ProcessStep Wrapped(ProcessStep step, string? wrap, string name)
    {
        if (string.IsNullOrWhiteSpace(wrap))
        {
            return step;
        }

        var words = wrap.Replace("{name}", name, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new ProcessStep(words[0], [.. words.Skip(1), step.FileName, .. step.Arguments]);
    }

    private static string? ProblemWith(Contender contender, List<ProcessMeasurement> steps)
    {
        var last = steps[^1];
        if (contender.PrintsVerifyReport)
        {
            return VerifyOutput.Read(last.Output) is { } report
                ? report.Equal && last.ExitCode == 0 ? null : $"exit code {last.ExitCode}: verify says {report.Summary}"
                : $"exit code {last.ExitCode}: mongomigrate verify printed no JSON report: {LastLine(last)}";
        }

        if (last.ExitCode != 0)
        {
            return $"exit code {last.ExitCode}: {LastLine(last)}";
        }

        if (contender.PrintsMigrationSummary)
        {
            var line = last.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
            if (line is null)
            {
                return "mongomigrate printed no JSON summary";
            }

            using var summary = JsonDocument.Parse(line);
            var status = summary.RootElement.GetProperty("status").GetString();
            if (status != "completed")
            {
                return $"mongomigrate finished with status {status}";
            }
        }

        return null;
    }

    private static string LastLine(ProcessMeasurement step) =>
        (step.Error.Length > 0 ? step.Error : step.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
}
