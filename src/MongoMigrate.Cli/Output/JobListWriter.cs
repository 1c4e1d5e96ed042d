using System.Globalization;
using System.Text.Json;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Output;

/// <summary>The jobs of a work folder as `mongomigrate jobs` reports them: readable text, or one JSON object for scripts (--json).</summary>
internal static class JobListWriter
{
    public static async Task WriteTextAsync(TextWriter output, string folder, IReadOnlyList<JobOverview> jobs)
    {
        if (jobs.Count == 0)
        {
            await output.WriteLineAsync($"No jobs in {folder}.").ConfigureAwait(false);
            return;
        }

        foreach (var job in jobs)
        {
            await output.WriteLineAsync($"{job.JobId}  {job.State.ToUpperInvariant()}{(job.RunningIn is { } who ? $" ({who})" : string.Empty)}  {job.Method}").ConfigureAwait(false);
            if (job.State == "unreadable")
            {
                await output.WriteLineAsync($"  the state file cannot be read: {job.Error}").ConfigureAwait(false);
                continue;
            }

            await output.WriteLineAsync($"  {job.Source} -> {job.Target}").ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"  created {job.CreatedAt:yyyy-MM-dd HH:mm:ss}Z, last change {job.UpdatedAt:yyyy-MM-dd HH:mm:ss}Z{(job.Workers is { } w ? $"; workers: {w.DumpWorkers} dump, {w.RestoreWorkers} restore, {w.InsertionWorkers} insertion" : string.Empty)}")).ConfigureAwait(false);
            var completed = job.Collections.Count(c => c.Status == CollectionStatus.Completed);
            await output.WriteLineAsync(
                $"  collections {completed} of {job.Collections.Count} completed; {(job.Method == JobDefinition.VerifyMethod ? $"ranges {job.ChunksRestored} of {job.ChunksTotal} compared" : $"chunks {job.ChunksRestored} of {job.ChunksTotal} restored")}"
                + $"{(job.ChunksFailed > 0 ? $", {job.ChunksFailed} failed" : string.Empty)}; documents {ProgressText.Number(job.Documents)} of about {ProgressText.Number(job.EstimatedDocuments)}").ConfigureAwait(false);
            if (job.Online is { } online)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  online: {online.Phase}{(online.CutoverTime is { } at ? $" at {Engine.Online.CutoverResult.Describe(at)}" : string.Empty)}; events captured {ProgressText.Number(online.EventsCaptured)}, applied {ProgressText.Number(online.EventsApplied)}, pending {ProgressText.Number(online.RecordsPending)}, {online.EventsPerSecond:0} events/s, lag {(online.LagSeconds is { } lag ? $"{lag:0.0} s" : "-")}{(ProgressText.Rechecks(job.Rechecks) is { } rechecks ? $"; {rechecks}" : string.Empty)} (as of {online.UpdatedAt:HH:mm:ss}Z)")).ConfigureAwait(false);
            }

            if (job.SyncBack is { } back)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  sync-back (target to source): {(back.Phase == Engine.Online.OnlinePhase.CutOver ? "cut back" : back.Phase)}{(back.CutoverTime is { } at ? $" at {Engine.Online.CutoverResult.Describe(at)}" : string.Empty)}; events captured {ProgressText.Number(back.EventsCaptured)}, applied {ProgressText.Number(back.EventsApplied)}, pending {ProgressText.Number(back.RecordsPending)}, {back.EventsPerSecond:0} events/s, lag {(back.LagSeconds is { } lag ? $"{lag:0.0} s" : "-")} (as of {back.UpdatedAt:HH:mm:ss}Z)")).ConfigureAwait(false);
            }

            var unfinished = job.Collections.Where(c => c.Status != CollectionStatus.Completed).ToList();
            if (unfinished.Count > 0)
            {
                await output.WriteLineAsync(
                    $"  left: about {SizeParser.Format(job.BytesLeft)} in {string.Join(", ", unfinished.Select(c => $"{c.Source} ({Left(c)})"))}").ConfigureAwait(false);
            }

            foreach (var failed in job.Collections.Where(c => c.Status == CollectionStatus.Failed))
            {
                await output.WriteLineAsync($"  failed: {failed.Source}: {failed.Error}").ConfigureAwait(false);
            }

            foreach (var problem in job.Collections.SelectMany(c => c.IndexErrors))
            {
                await output.WriteLineAsync($"  index not built: {problem}").ConfigureAwait(false);
            }

            // Collections that failed are named above; these are the chunks behind them.
            foreach (var failure in job.RecentFailures.Where(f => f.Kind == ErrorKind.ChunkFailed))
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  chunk {failure.ChunkIndex} of {failure.SourceNamespace} failed {failure.At:yyyy-MM-dd HH:mm:ss}Z after {failure.Attempt} attempt(s): {failure.Message}")).ConfigureAwait(false);
            }

            if (job.ResumeCommand is { } resume)
            {
                await output.WriteLineAsync($"  {(job.State == "failed" ? "retry the failed work" : "carry on")}: {resume}").ConfigureAwait(false);
            }
        }
    }

    private static string Left(CollectionOverview collection) => collection.Chunks == 0
        ? "not planned yet"
        : $"{collection.Chunks - collection.ChunksRestored} of {collection.Chunks} chunks";

    public static Task WriteJsonAsync(TextWriter output, string folder, IReadOnlyList<JobOverview> jobs) =>
        JsonOutput.WriteLineAsync(output, json => WriteJobs(json, folder, jobs));

    private static void WriteJobs(Utf8JsonWriter json, string folder, IReadOnlyList<JobOverview> jobs)
    {
        json.WriteStartObject();
        json.WriteString("workDir", folder);
        json.WriteStartArray("jobs");
        foreach (var job in jobs)
        {
            json.WriteStartObject();
            json.WriteString("jobId", job.JobId);
            json.WriteString("state", job.State);
            json.WriteBoolean("running", job.IsRunning);
            JsonOutput.OptionalString(json, "method", job.Method);
            JsonOutput.OptionalString(json, "source", job.Source);
            JsonOutput.OptionalString(json, "target", job.Target);
            JsonOutput.OptionalString(json, "createdAt", JsonOutput.Time(job.CreatedAt));
            JsonOutput.OptionalString(json, "updatedAt", JsonOutput.Time(job.UpdatedAt));
            JsonOutput.OptionalString(json, "error", job.Error);
            if (job.Workers is { } workers)
            {
                json.WriteStartObject("workers");
                json.WriteNumber("dump", workers.DumpWorkers);
                json.WriteNumber("restore", workers.RestoreWorkers);
                json.WriteNumber("insertion", workers.InsertionWorkers);
                json.WriteEndObject();
            }

            WriteFollowing(json, "online", job.Online, job.Rechecks);
            WriteFollowing(json, "syncBack", job.SyncBack, null);

            json.WriteNumber("chunks", job.ChunksTotal);
            json.WriteNumber("chunksRestored", job.ChunksRestored);
            json.WriteNumber("chunksFailed", job.ChunksFailed);
            json.WriteNumber("documents", job.Documents);
            json.WriteNumber("estimatedDocuments", job.EstimatedDocuments);
            json.WriteNumber("bytesLeft", job.BytesLeft);
            json.WriteStartArray("collections");
            foreach (var c in job.Collections)
            {
                json.WriteStartObject();
                json.WriteString("source", c.Source);
                json.WriteString("target", c.Target);
                JsonOutput.Status(json, c.Status);
                json.WriteNumber("chunks", c.Chunks);
                json.WriteNumber("chunksRestored", c.ChunksRestored);
                json.WriteNumber("chunksFailed", c.ChunksFailed);
                json.WriteNumber("documents", c.Documents);
                json.WriteNumber("estimatedDocuments", c.EstimatedDocuments);
                JsonOutput.OptionalString(json, "error", c.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("recentFailures");
            foreach (var failure in job.RecentFailures)
            {
                json.WriteStartObject();
                json.WriteString("at", JsonOutput.Time(failure.At));
                json.WriteString("kind", failure.Kind.ToString());
                JsonOutput.OptionalString(json, "namespace", failure.SourceNamespace);
                if (failure.ChunkIndex is { } index)
                {
                    json.WriteNumber("chunk", index);
                }

                json.WriteString("message", failure.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            JsonOutput.OptionalString(json, "resumeCommand", job.ResumeCommand);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A following's status (the online job's, or its sync-back's) as a JSON object; nothing when there is none.</summary>
    private static void WriteFollowing(Utf8JsonWriter json, string name, OnlineStatus? status, Engine.Verifying.RecheckStatus? rechecks)
    {
        if (status is null)
        {
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("phase", status.Phase);
        json.WriteNumber("eventsCaptured", status.EventsCaptured);
        json.WriteNumber("eventsApplied", status.EventsApplied);
        json.WriteNumber("eventsPending", status.RecordsPending);
        json.WriteNumber("eventsPerSecond", Math.Round(status.EventsPerSecond, 1));
        if (status.LagSeconds is { } lag)
        {
            json.WriteNumber("lagSeconds", Math.Round(lag, 3));
        }
        else
        {
            json.WriteNull("lagSeconds");
        }

        if (status.CutoverTime is { } at)
        {
            json.WriteStartObject("cutoverTime");
            json.WriteNumber("t", (long)(at >> 32));
            json.WriteNumber("i", (uint)at);
            json.WriteEndObject();
        }

        if (rechecks is not null)
        {
            RechecksJson.Write(json, rechecks);
        }

        JsonOutput.OptionalString(json, "updatedAt", JsonOutput.Time(status.UpdatedAt));
        json.WriteEndObject();
    }
}
