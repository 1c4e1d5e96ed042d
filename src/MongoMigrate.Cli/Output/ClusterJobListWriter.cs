using System.Globalization;
using System.Text.Json;
using MongoMigrate.Cluster.Jobs;

namespace MongoMigrate.Cli.Output;

/// <summary>
/// The jobs of a cluster as `jobs --cluster` reports them, with its workers (silos) and whether each is alive:
/// readable text, or one JSON object for scripts (--json).
/// </summary>
internal static class ClusterJobListWriter
{
    public static async Task WriteTextAsync(TextWriter output, string cluster, IReadOnlyList<ClusterJobStatus> jobs, IReadOnlyDictionary<string, string> silos)
    {
        await output.WriteLineAsync($"Workers of the cluster {cluster}: {(silos.Count == 0 ? "none" : string.Join(", ", silos.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")))}").ConfigureAwait(false);
        if (jobs.Count == 0)
        {
            await output.WriteLineAsync($"No jobs in the cluster {cluster}.").ConfigureAwait(false);
        }

        foreach (var job in jobs)
        {
            await output.WriteLineAsync(Line(job)).ConfigureAwait(false);
            await output.WriteLineAsync($"  {job.Display}").ConfigureAwait(false);
            foreach (var silo in SilosOf(job))
            {
                await output.WriteLineAsync($"  worker {silo} ({silos.GetValueOrDefault(silo, "unknown")}): {job.LeasesBySilo.GetValueOrDefault(silo)} leased, {job.DoneBySilo.GetValueOrDefault(silo)} copied").ConfigureAwait(false);
            }

            if (job.Error is not null)
            {
                await output.WriteLineAsync($"  failed: {job.Error}").ConfigureAwait(false);
            }
        }
    }

    public static Task WriteJsonAsync(TextWriter output, string cluster, IReadOnlyList<ClusterJobStatus> jobs, IReadOnlyDictionary<string, string> silos) =>
        JsonOutput.WriteLineAsync(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("cluster", cluster);
            json.WriteStartArray("silos");
            foreach (var (silo, status) in silos.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("silo", silo);
                json.WriteString("status", status);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("jobs");
            foreach (var job in jobs)
            {
                WriteJob(json, job, silos);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static void WriteJob(Utf8JsonWriter json, ClusterJobStatus job, IReadOnlyDictionary<string, string> silos)
    {
        json.WriteStartObject();
        json.WriteString("jobId", job.JobId);
        json.WriteString("phase", job.Phase.ToString().ToLowerInvariant());
        json.WriteString("display", job.Display);
        json.WriteNumber("chunks", job.Chunks);
        json.WriteNumber("pending", job.Pending);
        json.WriteNumber("leased", job.Leased);
        json.WriteNumber("done", job.Done);
        json.WriteNumber("failed", job.Failed);
        json.WriteNumber("reclaimed", job.Reclaimed);
        json.WriteNumber("documents", job.Documents);
        json.WriteNumber("bytes", job.Bytes);
        json.WriteNumber("dumpWorkers", job.DumpWorkers);
        json.WriteNumber("restoreWorkers", job.RestoreWorkers);
        JsonOutput.OptionalString(json, "error", job.Error);
        json.WriteStartArray("workers");
        foreach (var silo in SilosOf(job))
        {
            json.WriteStartObject();
            json.WriteString("silo", silo);
            json.WriteString("status", silos.GetValueOrDefault(silo, "unknown"));
            json.WriteNumber("leased", job.LeasesBySilo.GetValueOrDefault(silo));
            json.WriteNumber("copied", job.DoneBySilo.GetValueOrDefault(silo));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One line per change: chunks by phase, documents, leases by worker.</summary>
    public static string Line(ClusterJobStatus status) => string.Create(
        CultureInfo.InvariantCulture,
        $"{status.JobId} {status.Phase.ToString().ToUpperInvariant()}: chunks {status.Done}/{status.Chunks} done, {status.Leased} leased, {status.Pending} pending{(status.Failed > 0 ? $", {status.Failed} failed" : string.Empty)}; {ProgressText.Number(status.Documents)} documents; workers {status.DumpWorkers} dump, {status.RestoreWorkers} restore");

    private static IEnumerable<string> SilosOf(ClusterJobStatus job) => job.LeasesBySilo.Keys.Union(job.DoneBySilo.Keys).Order(StringComparer.Ordinal);
}
