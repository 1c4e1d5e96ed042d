using System.Globalization;
using System.Text.Json;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Output;

/// <summary>The end-of-run report: readable text, or one JSON object for scripts (--json).</summary>
internal static class SummaryWriter
{
    public static async Task WriteTextAsync(TextWriter output, MigrationSummary summary)
    {
        var verb = summary.Status switch
        {
            JobStatus.Completed => "completed",
            JobStatus.Stopped => "stopped",
            _ => "finished with failures",
        };
        await output.WriteLineAsync($"Job {summary.JobId} {verb} in {SizeParser.FormatDuration(summary.Elapsed)}{(summary.Resumed ? " (resumed)" : string.Empty)}.").ConfigureAwait(false);
        if (summary.CompletedAt is { } completedAt)
        {
            var when = completedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            await output.WriteLineAsync(summary.VerifiedAgain == true
                ? $"It had completed on {when} UTC; verified again now, against the target as it is:"
                : $"It had completed on {when} UTC; NOT verified again (--no-verify): the proof below is from then, not of the target as it is now.").ConfigureAwait(false);
        }

        var proof = summary.VerifiedAgain == false ? "verified then" : "verified";
        foreach (var c in summary.Collections.OrderBy(c => c.Source, StringComparer.Ordinal))
        {
            var name = c.Source == c.Target ? c.Source : $"{c.Source} -> {c.Target}";
            var sample = c.VerifiedSample ? $" (sample: {c.ChunksVerified} of {c.Chunks} chunks)" : string.Empty;
            var check = c.Verification is { } v
                ? v.IsEqual ? $"{proof}{sample}: {ProgressText.Number(v.Identical)} identical" : $"NOT equal{sample}: {v.Missing} missing, {v.Extra} extra, {v.Different} different"
                : c.Status.ToString().ToLowerInvariant();
            await output.WriteLineAsync($"  {name,-40} {ProgressText.Number(c.Documents),12} docs {SizeParser.Format(c.Bytes),10} {c.Chunks,5} {(c.Chunks == 1 ? "chunk " : "chunks")}  {check}").ConfigureAwait(false);
            if (c.Error is { } error)
            {
                await output.WriteLineAsync($"    failed: {error}").ConfigureAwait(false);
            }

            foreach (var problem in c.IndexErrors)
            {
                await output.WriteLineAsync($"    index not built: {problem}").ConfigureAwait(false);
            }
        }

        foreach (var skipped in summary.Skipped)
        {
            await output.WriteLineAsync($"  skipped {skipped.Namespace}: {skipped.Reason}").ConfigureAwait(false);
        }

        if (summary.VerifiedSample)
        {
            var (compared, total) = summary.VerifiedChunks;
            var share = summary.VerifySample < 1 ? string.Create(CultureInfo.InvariantCulture, $" (--sample {summary.VerifySample})") : string.Empty;
            await output.WriteLineAsync(
                $"Verified a sample only{share}: {compared} of {total} chunks compared byte for byte; the documents of the other chunks were not compared (--verify full compares them all).").ConfigureAwait(false);
        }

        var earlier = summary.Documents - summary.DocumentsThisRun;
        await output.WriteLineAsync(
            $"Total: {ProgressText.Number(summary.Documents)} documents, {SizeParser.Format(summary.Bytes)}"
            + (earlier > 0 ? $" ({ProgressText.Number(earlier)} of them copied by earlier runs)" : string.Empty)
            + $"; {summary.DocumentsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} docs/s, {SizeParser.Format(summary.BytesPerSecond)}/s.").ConfigureAwait(false);
        if (summary.Cutover is { } cutover)
        {
            await output.WriteLineAsync(char.ToUpperInvariant(cutover.Message[0]) + cutover.Message[1..]).ConfigureAwait(false);
        }

        if (ProgressText.Rechecks(summary.Rechecks) is { } rechecks)
        {
            await output.WriteLineAsync($"Continuous verification: {rechecks}.").ConfigureAwait(false);
        }

        if (summary.Reason is { } reason)
        {
            await output.WriteLineAsync(reason).ConfigureAwait(false);
        }
    }

    public static Task WriteJsonAsync(TextWriter output, MigrationSummary summary) =>
        JsonOutput.WriteLineAsync(output, json => WriteSummary(json, summary));

    private static void WriteSummary(Utf8JsonWriter json, MigrationSummary summary)
    {
        json.WriteStartObject();
        json.WriteString("jobId", summary.JobId);
        JsonOutput.Status(json, summary.Status);
        JsonOutput.ElapsedSeconds(json, summary.Elapsed);
        json.WriteNumber("documents", summary.Documents);
        json.WriteNumber("bytes", summary.Bytes);
        json.WriteBoolean("resumed", summary.Resumed);
        json.WriteNumber("documentsThisRun", summary.DocumentsThisRun);
        json.WriteNumber("bytesThisRun", summary.BytesThisRun);
        JsonOutput.Rates(json, summary.DocumentsPerSecond, summary.BytesPerSecond);
        json.WriteBoolean("verified", summary.Verified);
        json.WriteString("verification", summary.VerifiedSample ? "sample" : summary.Collections.Any(c => c.Verification is not null) ? "full" : "none");
        if (summary.VerifiedSample && summary.VerifySample < 1)
        {
            json.WriteNumber("sampleFraction", summary.VerifySample);
        }

        if (summary.CompletedAt is { } completedAt)
        {
            json.WriteString("completedAt", completedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteBoolean("verifiedAgain", summary.VerifiedAgain == true);
        }

        JsonOutput.OptionalString(json, "reason", summary.Reason);
        if (summary.Cutover is { } cutover)
        {
            json.WritePropertyName("cutover");
            CutoverJson.Write(json, cutover);
        }

        if (summary.Rechecks is { } rechecks)
        {
            RechecksJson.Write(json, rechecks);
        }

        json.WriteStartArray("collections");
        foreach (var c in summary.Collections)
        {
            json.WriteStartObject();
            json.WriteString("source", c.Source);
            json.WriteString("target", c.Target);
            JsonOutput.Status(json, c.Status);
            json.WriteNumber("documents", c.Documents);
            json.WriteNumber("bytes", c.Bytes);
            json.WriteNumber("documentsBeforeRun", c.DocumentsBeforeRun);
            json.WriteNumber("chunks", c.Chunks);
            json.WriteStartArray("failedChunks");
            foreach (var f in c.FailedChunks)
            {
                json.WriteStartObject();
                json.WriteNumber("index", f.Index);
                json.WriteString("range", f.Description);
                json.WriteNumber("attempts", f.Attempts);
                json.WriteString("reason", f.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            JsonOutput.Strings(json, "indexErrors", c.IndexErrors);
            if (c.Verification is { } v)
            {
                json.WriteStartObject("verification");
                json.WriteBoolean("equal", v.IsEqual);
                json.WriteNumber("sourceDocuments", v.SourceDocuments);
                json.WriteNumber("targetDocuments", v.TargetDocuments);
                json.WriteNumber("identical", v.Identical);
                json.WriteNumber("missing", v.Missing);
                json.WriteNumber("extra", v.Extra);
                json.WriteNumber("different", v.Different);
                json.WriteBoolean("sample", c.VerifiedSample);
                json.WriteNumber("chunksCompared", c.ChunksVerified);
                json.WriteEndObject();
            }

            JsonOutput.OptionalString(json, "error", c.Error);

            json.WriteEndObject();
        }

        json.WriteEndArray();
        SkippedJson.Write(json, summary.Skipped);
        json.WriteEndObject();
    }
}
