using System.Text.Json;
using System.Text.Json.Serialization;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// What a verification has done, kept in its job folder as JSON lines appended and flushed to disk one at a time: the
/// job's parameters, each collection's planned _id ranges, and each range compared with its result. A resumed job
/// reads it back and compares only the ranges without a result; a torn last line (a crash while writing) is ignored.
/// </summary>
public sealed class VerifyCheckpoint : IAsyncDisposable
{
    public const string FileName = "verify.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly FileStream? _file;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Dictionary<string, List<RawDocument>> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, int Index), VerificationResult> _done = [];

    private VerifyCheckpoint(FileStream? file) => _file = file;

    /// <summary>Keeps nothing: a verification without a work folder.</summary>
    public static VerifyCheckpoint None() => new(null);

    /// <summary>
    /// Opens the job's checkpoint in <paramref name="jobDirectory"/>: a new one, or with <paramref name="resume"/> the one
    /// an earlier run left, which must have been made with the same <paramref name="parameters"/>.
    /// </summary>
    public static async Task<VerifyCheckpoint> OpenAsync(string jobDirectory, bool resume, string jobId, string parameters, CancellationToken cancellationToken)
    {
        var path = Path.Combine(jobDirectory, FileName);
        if (!resume && File.Exists(path))
        {
            throw new MigrationException($"Job {jobId} already exists in {jobDirectory}. Carry it on with --resume, or give another --job-id.");
        }

        if (resume && !File.Exists(path))
        {
            throw new MigrationException($"There is no verification {jobId} to resume in {jobDirectory}. Check --work-dir and --job-id, or run without --resume.");
        }

        Directory.CreateDirectory(jobDirectory);
        var checkpoint = new VerifyCheckpoint(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous));
        if (resume)
        {
            await checkpoint.LoadAsync(path, jobId, parameters, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await checkpoint.AppendAsync(new Line { Kind = "job", Parameters = parameters }, cancellationToken).ConfigureAwait(false);
        }

        return checkpoint;
    }

    /// <summary>The ranges an earlier run planned for <paramref name="ns"/>, or null.</summary>
    public IReadOnlyList<RawDocument>? PlanOf(string ns) => _plans.GetValueOrDefault(ns);

    /// <summary>The result an earlier run recorded for range <paramref name="index"/> of <paramref name="ns"/>, or null.</summary>
    public VerificationResult? ResultOf(string ns, int index) => _done.GetValueOrDefault((ns, index));

    public Task SavePlanAsync(string ns, IReadOnlyList<RawDocument> ranges, CancellationToken cancellationToken)
    {
        _plans[ns] = [.. ranges];
        return AppendAsync(new Line { Kind = "plan", Namespace = ns, Ranges = [.. ranges.Select(r => Convert.ToBase64String(r.Span))] }, cancellationToken);
    }

    public Task SaveResultAsync(string ns, int index, VerificationResult result, CancellationToken cancellationToken) =>
        AppendAsync(
            new Line
            {
                Kind = "range",
                Namespace = ns,
                Index = index,
                Target = result.TargetNamespace,
                SourceDocuments = result.SourceDocuments,
                TargetDocuments = result.TargetDocuments,
                Identical = result.Identical,
                Missing = result.Missing,
                Extra = result.Extra,
                Different = result.Different,
                SourceDigest = result.SourceDigest,
                TargetDigest = result.TargetDigest,
                Mismatches = [.. result.Mismatches],
            },
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }

        _writing.Dispose();
    }

    private async Task LoadAsync(string path, string jobId, string parameters, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < lines.Length; i++)
        {
            Line? line;
            try
            {
                line = JsonSerializer.Deserialize<Line>(lines[i], Json);
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                break;
            }
            catch (JsonException e)
            {
                throw new MigrationException($"The checkpoint {path} is damaged at line {i + 1} ({e.Message}). Start the verification again under another --job-id.", e);
            }

            switch (line?.Kind)
            {
                case "job" when line.Parameters != parameters:
                    throw new MigrationException($"Verification {jobId} compared {line.Parameters}; this run asks for {parameters}. Give the same source, target, selection and --sample to resume it, or another --job-id.");
                case "plan":
                    _plans[line.Namespace!] = [.. line.Ranges!.Select(r => new RawDocument(Convert.FromBase64String(r)))];
                    break;
                case "range":
                    _done[(line.Namespace!, line.Index)] = new VerificationResult
                    {
                        SourceNamespace = line.Namespace!,
                        TargetNamespace = line.Target ?? line.Namespace!,
                        SourceDocuments = line.SourceDocuments,
                        TargetDocuments = line.TargetDocuments,
                        Identical = line.Identical,
                        Missing = line.Missing,
                        Extra = line.Extra,
                        Different = line.Different,
                        SourceDigest = line.SourceDigest,
                        TargetDigest = line.TargetDigest,
                        Mismatches = line.Mismatches ?? [],
                    };
                    break;
            }
        }
    }

    private async Task AppendAsync(Line line, CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, Json);
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            _file.WriteByte((byte)'\n');
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>One line of the file; which fields are set depends on <see cref="Kind"/>.</summary>
    private sealed record Line
    {
        public string Kind { get; init; } = string.Empty;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Parameters { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Namespace { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string[]? Ranges { get; init; }

        public int Index { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Target { get; init; }

        public long SourceDocuments { get; init; }

        public long TargetDocuments { get; init; }

        public long Identical { get; init; }

        public long Missing { get; init; }

        public long Extra { get; init; }

        public long Different { get; init; }

        public ulong SourceDigest { get; init; }

        public ulong TargetDigest { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public DocumentMismatch[]? Mismatches { get; init; }
    }
}
