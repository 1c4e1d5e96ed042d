using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MongoMigrate.Engine.Verifying;

/// <summary>The report of a verification as JSON (for tools) and as a Markdown summary (for people).</summary>
public static class VerifyReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string ToJson(VerifyReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(VerifyReport report)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"# Verification {report.JobId}: {(report.Equal ? "the target equals the source" : "DIFFERENCES FOUND")}").AppendLine().AppendLine();
        text.Append(culture, $"- Source: `{report.Source}`").AppendLine();
        text.Append(culture, $"- Target: `{report.Target}`").AppendLine();
        text.Append(culture, $"- Compared from {report.StartedAt:yyyy-MM-dd HH:mm:ss} to {report.FinishedAt:yyyy-MM-dd HH:mm:ss} UTC; writes outside that time are not covered.").AppendLine();
        text.AppendLine(report.SampleFraction >= 1
            ? "- Every document of every collection was compared, byte for byte, by _id."
            : string.Create(culture, $"- A sample: {report.SampleFraction:P0} of each collection's _id ranges, spread over the collection (at least one range each); documents outside them were not compared."));
        if (report.Reason is { } reason)
        {
            text.Append(culture, $"- Not finished: {reason}").AppendLine();
        }

        text.AppendLine().AppendLine("| source | target | result | source docs | target docs | missing | extra | different | ranges | source digest | target digest |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var n in report.Namespaces)
        {
            var result = n.Equal ? "equal" : n.Error is not null ? "failed" : !n.TargetExists ? "missing on the target" : "DIFFERENT";
            text.Append(culture, $"| {n.Source} | {n.Target} | {result} | {n.SourceDocuments:N0} | {n.TargetDocuments:N0} | {n.Missing:N0} | {n.Extra:N0} | {n.Different:N0} | {n.RangesCompared}/{n.RangesTotal} | `{n.SourceDigest}` | `{n.TargetDigest}` |").AppendLine();
        }

        foreach (var n in report.Namespaces.Where(n => !n.Equal))
        {
            text.AppendLine().Append(culture, $"## {n.Source} -> {n.Target}").AppendLine().AppendLine();
            if (n.Error is { } error)
            {
                text.Append(culture, $"- Not compared: {error}").AppendLine();
            }

            if (!n.TargetExists)
            {
                text.AppendLine("- The target has no collection of that name.");
            }

            foreach (var line in n.OptionDifferences.Concat(n.IndexDifferences))
            {
                text.Append(culture, $"- {line}").AppendLine();
            }

            foreach (var mismatch in n.Mismatches)
            {
                text.Append(culture, $"- {mismatch}").AppendLine();
            }

            var named = n.Mismatches.Count;
            var all = n.Missing + n.Extra + n.Different;
            if (all > named)
            {
                text.Append(culture, $"- ... and {all - named:N0} more document(s) that differ (only the first {named} are named).").AppendLine();
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes the report to <paramref name="path"/>: Markdown when the name ends in .md, JSON otherwise, and the other
    /// form beside it (report.json and report.md).
    /// </summary>
    public static async Task<(string Json, string Markdown)> WriteAsync(string path, VerifyReport report, CancellationToken cancellationToken)
    {
        var markdown = path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? path : Path.ChangeExtension(path, ".md");
        var json = path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? Path.ChangeExtension(path, ".json") : path;
        if (Path.GetDirectoryName(Path.GetFullPath(json)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(json, ToJson(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, ToMarkdown(report), cancellationToken).ConfigureAwait(false);
        return (json, markdown);
    }
}
