using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MongoMigrate.Cli.Output;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Commands;

/// <summary>`mongomigrate jobs`: the jobs of a work folder, where each stands, what is left, what failed and how to carry it on.</summary>
internal static class JobsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var workDir = new Option<string>("--work-dir") { Description = "The work folder whose jobs to list.", DefaultValueFactory = _ => "mongomigrate-work" };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var cluster = WorkerCommand.ClusterOption();
        var command = new Command("jobs", "List the jobs in a work folder (or of a cluster): state, progress, what is left, what failed and how to resume.") { workDir, json, verbose, cluster };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var folder = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!;
            if (parse.GetResult(cluster) is not null)
            {
                return await ClusterJobsListing.RunAsync(environment, parse.GetValue(cluster), folder, parse.GetValue(verbose), cancellationToken).ConfigureAwait(false);
            }

            if (File.Exists(folder))
            {
                throw new UsageException($"--work-dir '{folder}' is a file, not a folder: give the work folder the jobs ran in.");
            }

            var jobs = await JobCatalog.ListAsync(folder, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await WriteJsonAsync(environment.Output, folder, jobs).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(environment.Output, folder, jobs).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task WriteTextAsync(TextWriter output, string folder, IReadOnlyList<JobOverview> jobs)
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

            foreach (var problem in job.Collections.Where(c => c.IndexErrors is not null).SelectMany(c => c.IndexErrors!.Split('\n')))
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

    private static async Task WriteJsonAsync(TextWriter output, string folder, IReadOnlyList<JobOverview> jobs)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
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
                WriteOptional(json, "method", job.Method);
                WriteOptional(json, "source", job.Source);
                WriteOptional(json, "target", job.Target);
                WriteOptional(json, "createdAt", job.CreatedAt?.ToString("O", CultureInfo.InvariantCulture));
                WriteOptional(json, "updatedAt", job.UpdatedAt?.ToString("O", CultureInfo.InvariantCulture));
                WriteOptional(json, "error", job.Error);
                if (job.Workers is { } workers)
                {
                    json.WriteStartObject("workers");
                    json.WriteNumber("dump", workers.DumpWorkers);
                    json.WriteNumber("restore", workers.RestoreWorkers);
                    json.WriteNumber("insertion", workers.InsertionWorkers);
                    json.WriteEndObject();
                }

                if (job.Online is { } online)
                {
                    json.WriteStartObject("online");
                    json.WriteString("phase", online.Phase);
                    json.WriteNumber("eventsCaptured", online.EventsCaptured);
                    json.WriteNumber("eventsApplied", online.EventsApplied);
                    json.WriteNumber("eventsPending", online.RecordsPending);
                    json.WriteNumber("eventsPerSecond", Math.Round(online.EventsPerSecond, 1));
                    if (online.LagSeconds is { } lag)
                    {
                        json.WriteNumber("lagSeconds", Math.Round(lag, 3));
                    }
                    else
                    {
                        json.WriteNull("lagSeconds");
                    }

                    if (online.CutoverTime is { } at)
                    {
                        json.WriteStartObject("cutoverTime");
                        json.WriteNumber("t", (long)(at >> 32));
                        json.WriteNumber("i", (uint)at);
                        json.WriteEndObject();
                    }

                    if (job.Rechecks is { } rechecks)
                    {
                        RechecksJson.Write(json, rechecks);
                    }

                    WriteOptional(json, "updatedAt", online.UpdatedAt?.ToString("O", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

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
                    json.WriteString("status", c.Status.ToString().ToLowerInvariant());
                    json.WriteNumber("chunks", c.Chunks);
                    json.WriteNumber("chunksRestored", c.ChunksRestored);
                    json.WriteNumber("chunksFailed", c.ChunksFailed);
                    json.WriteNumber("documents", c.Documents);
                    json.WriteNumber("estimatedDocuments", c.EstimatedDocuments);
                    WriteOptional(json, "error", c.Error);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("recentFailures");
                foreach (var failure in job.RecentFailures)
                {
                    json.WriteStartObject();
                    json.WriteString("at", failure.At.ToString("O", CultureInfo.InvariantCulture));
                    json.WriteString("kind", failure.Kind.ToString());
                    WriteOptional(json, "namespace", failure.SourceNamespace);
                    if (failure.ChunkIndex is { } index)
                    {
                        json.WriteNumber("chunk", index);
                    }

                    json.WriteString("message", failure.Message);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                WriteOptional(json, "resumeCommand", job.ResumeCommand);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(stream.ToArray())).ConfigureAwait(false);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
