using System.Collections.Concurrent;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// The server and files one area's unified-format tests share. Each (file, test) runs once, whoever asks
/// first, the per-test Theory case or the per-file summary, so neither runs the suite twice.
/// </summary>
public abstract class SpecificationSuite(SpecificationArea area) : IAsyncLifetime
{
    private readonly MongoServerFixture _server = new();
    private readonly ConcurrentDictionary<string, SpecificationFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string File, string Test), Lazy<Task<SpecificationResult>>> _results = new();
    private SpecificationTestRunner? _runner;

    public string? Folder { get; private set; }

    /// <summary>Why there is nothing to run (no folder), or null.</summary>
    public string? MissingReason { get; private set; }

    public ServerUnderTest? Server { get; private set; }

    public async ValueTask InitializeAsync()
    {
        (Folder, MissingReason) = SpecificationFolder.Locate(area);
        if (Folder is null)
        {
            return;
        }

        await _server.InitializeAsync();
        Server = await ServerUnderTest.DescribeAsync(_server.Client, _server.IsSandbox, TestContext.Current.CancellationToken);
        _runner = new SpecificationTestRunner(_server.ConnectionString, _server.Client, Server, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        if (Folder is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The result of one test, running it if nobody has yet.</summary>
    public Task<SpecificationResult> ResultAsync(string fileName, string test, CancellationToken cancellationToken)
    {
        var runner = _runner ?? throw new InvalidOperationException(MissingReason ?? "The suite is not initialised.");
        return _results.GetOrAdd((fileName, test), key => new Lazy<Task<SpecificationResult>>(() =>
        {
            SpecificationFile file;
            try
            {
                file = _files.GetOrAdd(key.File, name => SpecificationFile.Load(Path.Combine(Folder!, name)));
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                return Task.FromResult(new SpecificationResult(key.File, key.Test, SpecificationOutcome.Failed, $"The file could not be read: {e.Message}", TimeSpan.Zero));
            }

            return runner.RunAsync(file, key.Test, cancellationToken);
        })).Value;
    }

    /// <summary>Every test of every file, one after another, with the per-file table.</summary>
    public async Task<SpecificationSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var results = new List<SpecificationResult>();
        foreach (var (file, test) in SpecificationCases.Enumerate(Folder!))
        {
            results.Add(await ResultAsync(file, test, cancellationToken));
        }

        return new SpecificationSummary(Folder!, Server!.ToString(), results);
    }
}

/// <summary>The CRUD tests' suite.</summary>
public sealed class CrudSpecificationSuite() : SpecificationSuite(SpecificationArea.Crud);

/// <summary>The change-stream tests' suite.</summary>
public sealed class ChangeStreamSpecificationSuite() : SpecificationSuite(SpecificationArea.ChangeStreams);
