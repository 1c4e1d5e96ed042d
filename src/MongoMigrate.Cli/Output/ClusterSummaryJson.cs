using System.Text.Json;
using MongoMigrate.Cluster.Jobs;

namespace MongoMigrate.Cli.Output;

/// <summary>
/// `migrate --cluster --json`: like a single-machine `migrate --json`, nothing but one object at the end: the job's
/// status (completed, failed, or detached when Ctrl+C left it to the cluster), its figures since it was submitted, and
/// which worker copied how many chunks.
/// </summary>
internal static class ClusterSummaryJson
{
    public static Task WriteAsync(TextWriter output, string cluster, ClusterJobStatus job, string status, bool verified, TimeSpan elapsed) =>
        JsonOutput.WriteLineAsync(output, json =>
        {
            var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
            json.WriteStartObject();
            json.WriteString("jobId", job.JobId);
            json.WriteString("status", status);
            json.WriteString("cluster", cluster);
            JsonOutput.ElapsedSeconds(json, elapsed);
            json.WriteNumber("documents", job.Documents);
            json.WriteNumber("bytes", job.Bytes);
            JsonOutput.Rates(json, job.Documents / seconds, job.Bytes / seconds);
            json.WriteNumber("chunks", job.Chunks);
            json.WriteNumber("done", job.Done);
            json.WriteNumber("failed", job.Failed);
            json.WriteNumber("reclaimed", job.Reclaimed);
            json.WriteBoolean("verified", verified);
            JsonOutput.OptionalString(json, "error", job.Error);
            WriteWorkers(json, job);
            json.WriteEndObject();
        });

    private static void WriteWorkers(Utf8JsonWriter json, ClusterJobStatus job)
    {
        json.WriteStartArray("workers");
        foreach (var silo in job.DoneBySilo.Keys.Union(job.LeasesBySilo.Keys).Order(StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("silo", silo);
            json.WriteNumber("leased", job.LeasesBySilo.GetValueOrDefault(silo));
            json.WriteNumber("copied", job.DoneBySilo.GetValueOrDefault(silo));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
