using System.Globalization;
using System.Text.Json;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Output;

/// <summary>The end-of-run report of a dump or restore: readable text, or one JSON object for scripts (--json).</summary>
internal static class DumpSummaryWriter
{
    public static async Task WriteTextAsync(TextWriter output, DumpJobSummary summary)
    {
        var verb = summary.Status switch
        {
            JobStatus.Completed => "completed",
            JobStatus.Stopped => "stopped",
            _ => "finished with failures",
        };
        var direction = summary.Operation == "dump" ? "to" : "from";
        var name = summary.Operation == "dump" ? "Dump" : "Restore";
        await output.WriteLineAsync($"{name} {summary.JobId} {direction} {summary.Location} {verb} in {SizeParser.FormatDuration(summary.Elapsed)}.").ConfigureAwait(false);
        foreach (var n in summary.Namespaces.OrderBy(n => n.Source, StringComparer.Ordinal))
        {
            var label = summary.Operation == "restore" && n.Source != n.Target ? $"{n.Source} -> {n.Target}" : n.Source;
            var what = n.Kind == "view" ? "view" : $"{ProgressText.Number(n.Documents),12} docs {SizeParser.Format(n.Bytes),10}";
            var counts = new List<string>();
            if (n.AlreadyPresent > 0)
            {
                counts.Add($"{ProgressText.Number(n.AlreadyPresent)} already present");
            }

            if (n.Replaced > 0)
            {
                counts.Add($"{ProgressText.Number(n.Replaced)} replaced: they differed from the dump");
            }

            var present = counts.Count > 0 ? $" ({string.Join(", ", counts)})" : string.Empty;
            await output.WriteLineAsync($"  {label,-40} {what}  {n.Status.ToString().ToLowerInvariant()}{present}").ConfigureAwait(false);
            if (n.Error is { } error)
            {
                await output.WriteLineAsync($"    failed: {error}").ConfigureAwait(false);
            }

            foreach (var problem in n.IndexErrors)
            {
                await output.WriteLineAsync($"    index not built: {problem}").ConfigureAwait(false);
            }

            foreach (var note in n.Notes)
            {
                await output.WriteLineAsync($"    note: {note}").ConfigureAwait(false);
            }
        }

        foreach (var skipped in summary.Skipped)
        {
            await output.WriteLineAsync($"  skipped {skipped.Namespace}: {skipped.Reason}").ConfigureAwait(false);
        }

        foreach (var note in summary.Notes)
        {
            await output.WriteLineAsync($"  note: {note}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(
            $"Total: {ProgressText.Number(summary.Documents)} documents, {SizeParser.Format(summary.Bytes)}; "
            + $"{summary.DocumentsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} docs/s, {SizeParser.Format(summary.BytesPerSecond)}/s.").ConfigureAwait(false);
        if (summary.Reason is { } reason)
        {
            await output.WriteLineAsync(reason).ConfigureAwait(false);
        }
    }

    public static Task WriteJsonAsync(TextWriter output, DumpJobSummary summary) =>
        JsonOutput.WriteLineAsync(output, json => WriteSummary(json, summary), relaxedEscaping: true);

    private static void WriteSummary(Utf8JsonWriter json, DumpJobSummary summary)
    {
        json.WriteStartObject();
        json.WriteString("jobId", summary.JobId);
        json.WriteString("operation", summary.Operation);
        JsonOutput.Status(json, summary.Status);
        json.WriteString("location", summary.Location);
        JsonOutput.ElapsedSeconds(json, summary.Elapsed);
        json.WriteNumber("documents", summary.Documents);
        json.WriteNumber("alreadyPresent", summary.AlreadyPresent);
        json.WriteNumber("replaced", summary.Replaced);
        json.WriteNumber("bytes", summary.Bytes);
        JsonOutput.Rates(json, summary.DocumentsPerSecond, summary.BytesPerSecond);
        JsonOutput.OptionalString(json, "reason", summary.Reason);
        json.WriteStartArray("namespaces");
        foreach (var n in summary.Namespaces)
        {
            json.WriteStartObject();
            json.WriteString("source", n.Source);
            json.WriteString("target", n.Target);
            json.WriteString("kind", n.Kind);
            JsonOutput.Status(json, n.Status);
            json.WriteNumber("documents", n.Documents);
            json.WriteNumber("alreadyPresent", n.AlreadyPresent);
            json.WriteNumber("replaced", n.Replaced);
            json.WriteNumber("bytes", n.Bytes);
            if (n.Crc is { } crc)
            {
                // As the archive's EOF block stores it: the CRC-64's bit pattern as a signed 64-bit integer.
                json.WriteNumber("crc", unchecked((long)crc));
            }

            JsonOutput.Strings(json, "indexErrors", n.IndexErrors);
            JsonOutput.Strings(json, "notes", n.Notes);
            JsonOutput.OptionalString(json, "error", n.Error);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        SkippedJson.Write(json, summary.Skipped);
        JsonOutput.Strings(json, "notes", summary.Notes);
        json.WriteEndObject();
    }
}
