using System.Text;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Passed, failed and skipped counts per file, as a table, with the failures and skip reasons listed below it.</summary>
public sealed class SpecificationSummary(string folder, string server, IReadOnlyList<SpecificationResult> results)
{
    public IReadOnlyList<SpecificationResult> Results => results;

    public IReadOnlyList<SpecificationResult> Failures => results.Where(r => r.Outcome == SpecificationOutcome.Failed).ToList();

    public int Count(SpecificationOutcome outcome) => results.Count(r => r.Outcome == outcome);

    /// <summary>The table; with details, each failure's message and each skip's reason below it.</summary>
    public string Render(bool withDetails = true)
    {
        var rows = results.GroupBy(r => r.File).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (File: g.Key, Passed: g.Count(r => r.Outcome == SpecificationOutcome.Passed),
                Failed: g.Count(r => r.Outcome == SpecificationOutcome.Failed), Skipped: g.Count(r => r.Outcome == SpecificationOutcome.Skipped)))
            .ToList();
        var width = Math.Max(4, rows.Count == 0 ? 4 : rows.Max(r => r.File.Length));
        var text = new StringBuilder();
        text.AppendLine($"Unified-format tests in {folder}, against the {server}");
        text.AppendLine($"{"file".PadRight(width)}  passed  failed  skipped");
        foreach (var (file, passed, failed, skipped) in rows)
        {
            text.AppendLine($"{file.PadRight(width)}  {passed,6}  {failed,6}  {skipped,7}");
        }

        text.AppendLine($"{"total".PadRight(width)}  {Count(SpecificationOutcome.Passed),6}  {Count(SpecificationOutcome.Failed),6}  {Count(SpecificationOutcome.Skipped),7}");
        if (withDetails && results.Count > 0)
        {
            text.AppendLine().AppendLine("slowest:");
            foreach (var result in results.OrderByDescending(r => r.Duration).Take(5))
            {
                text.AppendLine($"  {result.Duration.TotalSeconds,6:0.00} s  {result.File}: {result.Test}");
            }
        }

        foreach (var result in results.Where(r => withDetails && r.Outcome != SpecificationOutcome.Passed))
        {
            text.AppendLine().Append(result.ToString()).AppendLine();
        }

        return text.ToString();
    }
}
