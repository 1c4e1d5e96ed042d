using System.Globalization;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Cli.Output;

/// <summary>The end of `verify` for a person: a line per collection, then the verdict in one line.</summary>
internal static class VerifySummaryWriter
{
    public static async Task WriteTextAsync(TextWriter output, VerifyReport report, string? reportPath)
    {
        var culture = CultureInfo.InvariantCulture;
        foreach (var n in report.Namespaces)
        {
            var name = n.Source == n.Target ? n.Source : $"{n.Source} -> {n.Target}";
            var ranges = n.RangesSampled < n.RangesTotal ? $" ({n.RangesCompared} of {n.RangesTotal} ranges)" : string.Empty;
            await output.WriteLineAsync(string.Create(culture, $"  {name,-44} {n.SourceDocuments,12:N0} docs  {Verdict(n)}{ranges}")).ConfigureAwait(false);
            foreach (var line in n.OptionDifferences.Concat(n.IndexDifferences).Concat(n.Mismatches.Take(3).Select(m => m.ToString())))
            {
                await output.WriteLineAsync("    " + line).ConfigureAwait(false);
            }
        }

        var documents = report.Namespaces.Sum(n => n.SourceDocuments);
        var different = report.Namespaces.Count(n => !n.Equal);
        var how = report.SampleFraction < 1 ? string.Create(culture, $"in a sample of {report.SampleFraction:P0} of the _id ranges") : "byte for byte, every document";
        var verdict = report.Reason ?? (report.Equal
            ? string.Create(culture, $"The target equals the source: {report.Namespaces.Count} collection(s), {documents:N0} document(s) compared {how}, options and indexes included.")
            : string.Create(culture, $"The target differs from the source in {different} of {report.Namespaces.Count} collection(s) (compared {how})."));
        await output.WriteLineAsync(verdict).ConfigureAwait(false);
        if (reportPath is not null)
        {
            await output.WriteLineAsync($"Report: {reportPath}").ConfigureAwait(false);
        }
    }

    private static string Verdict(NamespaceReport n) =>
        n.Error is { } error ? "failed: " + error
        : !n.TargetExists ? "missing on the target"
        : n.Equal ? "equal"
        : string.Create(CultureInfo.InvariantCulture, $"DIFFERENT: {n.Missing:N0} missing, {n.Extra:N0} extra, {n.Different:N0} different{(n.OptionDifferences.Count + n.IndexDifferences.Count > 0 ? ", options or indexes differ" : string.Empty)}");
}
