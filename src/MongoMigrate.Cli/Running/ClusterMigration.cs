using MongoMigrate.Cli.Output;
using MongoMigrate.Cluster.Hosting;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Planning;
using MongoMigrate.Cluster.Secrets;
using MongoMigrate.Cluster.Storage;
using MongoMigrate.Cluster.Submitting;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Migration;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// `migrate --cluster`: plans the job here (discovery, target checks, chunks), submits it to the cluster's workers and
/// follows it to its end. Ctrl+C detaches: the job goes on in the cluster, and `jobs --cluster` shows it. With --json,
/// nothing but one object at the end (<see cref="ClusterSummaryJson"/>), as a single-machine `migrate --json` prints.
/// </summary>
internal static class ClusterMigration
{
    public static async Task<int> RunAsync(CliEnvironment environment, string? cluster, MongoEndpoint source, MongoEndpoint target, MigrationOptions options, bool json, bool verbose, CancellationToken cancellationToken)
    {
        var connection = ClusterConnection.Parse(cluster);
        if (options.Resume)
        {
            throw new UsageException("--resume is for a job of a work folder: a cluster's job goes on by itself while any worker runs (`mongomigrate jobs --cluster` shows it).");
        }

        var folder = options.WorkDirectory;
        using var host = await ClusterProcess.StartClientAsync(connection, ClusterLogging.For(environment, folder, verbose), cancellationToken).ConfigureAwait(false);
        var jobId = options.JobId ?? $"job-{environment.TimeProvider.GetUtcNow():yyyyMMdd-HHmmss}";
        if (await host.Client().GetGrain<IClusterJobGrain>(jobId).GetStatusAsync().WaitAsync(cancellationToken).ConfigureAwait(false) is { } existing)
        {
            // Refused before planning: planning with --drop-target would drop the other job's target.
            throw new MigrationException($"The cluster already has a job {jobId} ({existing.Display}, {existing.Phase.ToString().ToLowerInvariant()}): choose another --job-id.");
        }

        var key = new ClusterKey(connection.Secret);
        using var loggers = environment.CreateLoggerFactory(Path.Combine(folder, "mongomigrate-cluster.log"), verbose);
        var plan = await new ClusterJobPlanner(key, loggers.CreateLogger("MongoMigrate.Cluster.Planner"), environment.TimeProvider).PlanAsync(
            new ClusterJobRequest
            {
                JobId = jobId,
                Source = source,
                Target = target,
                Selection = options.Selection,
                DumpRestore = options.Method == CopyMethod.DumpRestore,
                DumpWorkers = options.DumpWorkers,
                RestoreWorkers = options.RestoreWorkers,
                InsertionWorkers = options.InsertionWorkers,
                ChunkSizeBytes = options.ChunkSizeBytes,
                Verify = options.Verify,
                DropTarget = options.DropTarget,
                ConnectTimeout = options.ConnectTimeout,
            },
            cancellationToken).ConfigureAwait(false);
        var client = new ClusterJobClient(host.Client(), environment.TimeProvider);
        try
        {
            await client.SubmitAsync(plan).ConfigureAwait(false);
        }
        catch (ClusterJobException e)
        {
            throw new MigrationException(e.Message, e);
        }

        var submitted = environment.TimeProvider.GetTimestamp();
        if (!json)
        {
            await environment.Output.WriteLineAsync($"Job {jobId} submitted to the cluster {connection.Display}: {plan.Collections.Count} collection(s), {plan.Collections.Sum(c => c.Chunks.Count)} chunk(s). Ctrl+C detaches; the job goes on.").ConfigureAwait(false);
        }

        ClusterJobStatus? status = null;
        var shown = string.Empty;
        try
        {
            status = await client.FollowAsync(
                jobId,
                s =>
                {
                    status = s;
                    var line = ClusterJobListWriter.Line(s);
                    if (!json && line != shown)
                    {
                        shown = line;
                        environment.Output.WriteLine(line);
                    }
                },
                TimeSpan.FromSeconds(2),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (json)
            {
                var last = status ?? new ClusterJobStatus { JobId = jobId, Chunks = plan.Collections.Sum(c => c.Chunks.Count) };
                await ClusterSummaryJson.WriteAsync(environment.Output, connection.Display, last, "detached", verified: false, environment.TimeProvider.GetElapsedTime(submitted)).ConfigureAwait(false);
            }
            else
            {
                await environment.Output.WriteLineAsync($"Detached: job {jobId} goes on in the cluster; `mongomigrate jobs --cluster ...` shows where it stands.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }

        var elapsed = environment.TimeProvider.GetElapsedTime(submitted);
        var completed = status.Phase == ClusterJobPhase.Completed;
        if (json)
        {
            await ClusterSummaryJson.WriteAsync(environment.Output, connection.Display, status, completed ? "completed" : "failed", completed && plan.Verify, elapsed).ConfigureAwait(false);
            return completed ? ExitCodes.Success : ExitCodes.Failure;
        }

        if (completed)
        {
            var rate = status.Documents / Math.Max(elapsed.TotalSeconds, 0.001);
            await environment.Output.WriteLineAsync(
                $"Job {jobId} completed: {ProgressText.Number(status.Documents)} documents in {status.Done} chunks, copied by {status.DoneBySilo.Count} worker(s){(plan.Verify ? ", verified equal" : string.Empty)}"
                + $"; {SizeParser.FormatDuration(elapsed)} since it was submitted, {ProgressText.Number((long)rate)} docs/s.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        throw new MigrationException($"Job {jobId} failed: {status.Error}");
    }
}
