using System.Globalization;
using System.Text.Json;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Cli.Output;

/// <summary>A sync-back's summary: one line of JSON with --json (the cutover back as `cutover --json` shows it), else words.</summary>
internal static class SyncBackJson
{
    public static string ToLine(SyncBackSummary summary)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("jobId", summary.JobId);
            json.WriteString("status", summary.Status);
            json.WriteNumber("collections", summary.Collections);
            json.WriteNumber("eventsApplied", summary.EventsApplied);
            json.WriteNumber("elapsedSeconds", Math.Round(summary.Elapsed.TotalSeconds, 3));
            if (summary.Reason is { } reason)
            {
                json.WriteString("reason", reason);
            }

            if (summary.Cutover is { } cutover)
            {
                json.WritePropertyName("cutover");
                CutoverJson.Write(json, cutover);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Text(SyncBackSummary summary) => summary.Cutover is { } cutover
        ? string.Create(CultureInfo.InvariantCulture, $"Job {summary.JobId}: sync-back {cutover.Message} ({ProgressText.Number(summary.EventsApplied)} changes of the target applied to the source in this run.)")
        : $"Job {summary.JobId}: sync-back {summary.Status}. {summary.Reason}";
}
