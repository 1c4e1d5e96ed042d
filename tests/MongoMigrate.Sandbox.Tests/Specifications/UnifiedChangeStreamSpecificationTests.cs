namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// MongoDB's unified-format change-stream tests through the official driver, against the sandbox (or the server
/// named by MONGOMIGRATE_TEST_URI): one case per (file, test), and a per-file table of the counts.
/// The folder is CHANGE_STREAM_SPEC_TESTS_DIR when set, else ../shared/fixtures/specifications/source/change-streams/tests/unified.
/// </summary>
public sealed class UnifiedChangeStreamSpecificationTests(ChangeStreamSpecificationSuite suite) : IClassFixture<ChangeStreamSpecificationSuite>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Cases() => SpecificationCases.All(SpecificationArea.ChangeStreams);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_specification_test_passes_or_names_what_it_needs(string file, string test)
    {
        if (file == SpecificationCases.NoFolder || suite.Folder is null)
        {
            Assert.Skip(suite.MissingReason ?? test);
        }

        var result = await suite.ResultAsync(file, test, Ct);
        switch (result.Outcome)
        {
            case SpecificationOutcome.Skipped:
                Assert.Skip(result.Detail!);
                break;
            case SpecificationOutcome.Failed:
                Assert.Fail(result.Detail);
                break;
        }
    }

    [Fact]
    public async Task Every_specification_file_reports_its_counts()
    {
        if (suite.Folder is null)
        {
            Assert.Skip(suite.MissingReason!);
        }

        var summary = await suite.SummarizeAsync(Ct);
        var table = summary.Render(withDetails: false);
        var report = summary.Render(withDetails: true);

        // Standard output is what `dotnet test` shows of a passing test; the output helper and the
        // file carry the failure messages and skip reasons too.
        Console.Out.WriteLine(table);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        TestContext.Current.SendDiagnosticMessage(table);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "change-stream-specification-summary.txt"), report, Ct);

        var failures = summary.Failures;
        Assert.True(failures.Count == 0, $"{failures.Count} unified-format test(s) failed:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures.Select(f => $"  {f.File}: {f.Test}")));
    }
}
