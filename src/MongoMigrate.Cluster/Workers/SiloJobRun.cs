using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Planning;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Cluster.Workers;

/// <summary>
/// One silo's part in one job: leases chunks from the job grain up to its share of the job's pools, feeds them to the
/// engine's own collection processors (the same stages as a single-machine job, on this silo's pools: documents never
/// leave the silo), finishes the collections it is given (remaining indexes, verification), until the job ends.
/// </summary>
internal sealed class SiloJobRun(string jobId, IClusterJobGrain grain, string silo, IClusterObserver observer, Func<long> nextRequest, WorkerPoolCoordinator coordinator, ClusterWorkerOptions options, ILoggerFactory loggers, TimeProvider time)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ILogger _logger = loggers.CreateLogger("MongoMigrate.Cluster.Worker");
    private readonly HeldWork _held = new();
    private readonly GrainReports _reports = new(jobId, options.RecheckInterval, loggers.CreateLogger("MongoMigrate.Cluster.Worker"), time);

    /// <summary>Something changed (a chunk settled here, the grain told us): ask the grain again.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var plan = await grain.GetPlanAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (plan is null || (await grain.GetStatusAsync().WaitAsync(cancellationToken).ConfigureAwait(false))?.Ended != false)
        {
            return;
        }

        var source = MongoEndpoint.Parse("source", options.Key.Open(plan.SealedSource));
        var target = MongoEndpoint.Parse("target", options.Key.Open(plan.SealedTarget));
        var directory = Path.Combine(options.WorkDirectory, $"{jobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            using var sourceClient = new MongoClient(source.CreateSettings(TimeSpan.FromSeconds(10)));
            using var targetClient = new MongoClient(target.CreateSettings(TimeSpan.FromSeconds(10)));
            var local = await LocalPlanAsync(plan, directory, cancellationToken).ConfigureAwait(false);
            var positions = plan.Collections.Select((c, i) => (c.SourceNamespace, i)).ToDictionary(p => p.SourceNamespace, p => p.i, StringComparer.Ordinal);
            var store = new LeasedChunkStore(local, grain, silo, ns => positions[ns], _reports, Settled);
            await using (store.ConfigureAwait(false))
            {
                var migration = new MigrationOptions
                {
                    JobId = jobId,
                    Method = plan.DumpRestore ? CopyMethod.DumpRestore : CopyMethod.Direct,
                    DumpWorkers = 1,
                    RestoreWorkers = 1,
                    InsertionWorkers = plan.InsertionWorkers,
                    WorkDirectory = options.WorkDirectory,
                    Verify = plan.Verify,
                };
                // A dump-restore job reads as many chunk files at once as its restore pool has workers here.
                using var chunkFileReaders = coordinator.GetOrCreateRestorePool(jobId, migration.RestoreWorkers).CreateFollower();
                var context = new MigrationContext
                {
                    JobId = jobId,
                    Options = migration,
                    Source = sourceClient,
                    Target = targetClient,
                    Coordinator = coordinator,
                    State = store,
                    Progress = new JobProgress(time),
                    DiskBudget = new DiskBudget(migration.DiskBudgetBytes),
                    ChunkFiles = new ChunkFiles(directory),
                    ChunkFileReaders = chunkFileReaders,
                    Retry = RetryPolicy.Create(time),
                    Logger = _logger,
                    TimeProvider = time,
                };
                await LeaseAndCopyAsync(plan, context, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            coordinator.CleanupJob(jobId);
            TryDelete(directory);
        }
    }

    private async Task LeaseAndCopyAsync(ClusterJobPlan plan, MigrationContext context, CancellationToken cancellationToken)
    {
        var dumpPool = context.DumpPool();
        var restorePool = context.RestorePool();
        var feeds = plan.Collections.Select(_ => Channel.CreateUnbounded<Chunk>()).ToArray();
        var copying = plan.Collections.Select((collection, i) => CopyAsync(context, collection, i, feeds[i].Reader, cancellationToken)).ToList();
        var finishing = new List<Task>();
        try
        {
            while (true)
            {
                LeaseGrant grant;
                try
                {
                    var (held, finishes) = _held.Snapshot();
                    var request = new LeaseRequest
                    {
                        Silo = silo,
                        Observer = observer,
                        MaxDumpWorkers = options.MaxDumpWorkers,
                        MaxRestoreWorkers = options.MaxRestoreWorkers,
                        Held = held,
                        Finishing = finishes,
                        Sequence = nextRequest(),
                    };
                    grant = await grain.LeaseAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The grain's silo died, or the storage is away a moment: ask again shortly.
                    _logger.LogWarning("Job {JobId}: could not lease ({Reason}); asking again", jobId, ErrorDescription.Of(e));
                    await WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                dumpPool.SetMaxWorkers(grant.DumpShare);
                restorePool.SetMaxWorkers(grant.RestoreShare);
                foreach (var lease in grant.Chunks)
                {
                    if (!_held.Take(lease))
                    {
                        // Granted again while this silo still copies it (the grain had taken it back): not copied twice here.
                        continue;
                    }

                    var chunk = plan.Collections[lease.Collection].Chunks.First(c => c.Index == lease.Chunk);
                    feeds[lease.Collection].Writer.TryWrite(new Chunk
                    {
                        Index = chunk.Index,
                        Filter = new RawDocument(chunk.Filter),
                        Description = chunk.Description,
                    });
                }

                finishing.AddRange(grant.Finishes.Where(c => _held.TakeFinish(c)).ToList().Select(c => FinishAsync(context, plan.Collections[c], c, cancellationToken)));
                if (grant.Ended)
                {
                    break;
                }

                await WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var feed in feeds)
            {
                feed.Writer.TryComplete();
            }

            await Task.WhenAll(copying.Concat(finishing)).ConfigureAwait(false);
        }
    }

    private async Task CopyAsync(MigrationContext context, PlannedCollection collection, int position, ChannelReader<Chunk> feed, CancellationToken cancellationToken)
    {
        var job = new CollectionJob
        {
            Source = ClusterJobPlanner.ToSource(collection),
            Target = NamespaceName.Parse(collection.TargetNamespace),
            Progress = context.Progress.Add(collection.SourceNamespace, collection.TargetNamespace, collection.EstimatedCount, collection.EstimatedBytes),
            Chunks = [],
            Feed = feed,
            GaveUp = (chunk, error) => _ = ReportFailureAsync(new ChunkLease(position, chunk.Index), error, cancellationToken),
        };
        try
        {
            _ = context.Options.Method == CopyMethod.Direct
                ? await new DirectCopyProcessor(context, job).RunAsync(cancellationToken).ConfigureAwait(false)
                : await new DumpRestoreProcessor(context, job).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A chunk this silo gave up on: failed for the job when the copy itself failed; handed back when the cause is this
    /// silo's own (it is stopping, the cluster did not answer), so that another silo copies it.
    /// </summary>
    private async Task ReportFailureAsync(ChunkLease chunk, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Stopping: one try; what does not land comes back when the silo leaves or is declared dead.
                await grain.ReturnChunkAsync(silo, chunk).ConfigureAwait(false);
            }
            else if (GrainReports.IsTheClusters(error) || error is OperationCanceledException)
            {
                await _reports.DeliverAsync($"chunk {chunk.Chunk} handed back", () => grain.ReturnChunkAsync(silo, chunk), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _reports.DeliverAsync($"chunk {chunk.Chunk} failed", () => grain.FailChunkAsync(silo, chunk, ErrorDescription.Of(error)), cancellationToken).ConfigureAwait(false);
            }

            _held.Settle(chunk);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Job {JobId}: could not report chunk {Chunk} given up on: {Reason}", jobId, chunk.Chunk, e.Message);
        }

        Wake();
    }

    /// <summary>A collection whose chunks are all copied: its remaining indexes, then (when the job verifies) every document compared.</summary>
    private async Task FinishAsync(MigrationContext context, PlannedCollection collection, int position, CancellationToken cancellationToken)
    {
        long? verified = null;
        string? error = null;
        try
        {
            var sourceCollection = ClusterJobPlanner.ToSource(collection);
            var targetNs = NamespaceName.Parse(collection.TargetNamespace);
            var indexErrors = await context.Retry.ExecuteAsync(
                async token => await new TargetPreparation(context.Target, _logger).BuildRemainingIndexesAsync(sourceCollection, targetNs, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (indexErrors.Count > 0)
            {
                error = $"indexes not built: {string.Join("; ", indexErrors)}";
            }
            else if (context.Options.Verify)
            {
                var result = await new CollectionVerifier(context.Source, context.Target).VerifyAsync(sourceCollection.Namespace, targetNs, RawDocument.Empty, cancellationToken).ConfigureAwait(false);
                verified = result.Identical;
                error = result.IsEqual ? null : $"verification found {result.Missing} missing, {result.Extra} extra and {result.Different} different document(s)";
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            error = ErrorDescription.Of(e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await _reports.DeliverAsync($"collection {collection.SourceNamespace} finished", () => grain.FinishCollectionAsync(silo, position, verified, error), cancellationToken).ConfigureAwait(false);
        _held.SettleFinish(position);
        Wake();
    }

    private void Settled(ChunkLease chunk)
    {
        _held.Settle(chunk);
        Wake();
    }

    /// <summary>The plan in this silo's scratch state, every chunk planned: the engine's stages record their steps there.</summary>
    private async Task<IJobStateStore> LocalPlanAsync(ClusterJobPlan plan, string directory, CancellationToken cancellationToken)
    {
        var local = await SqliteJobStateStore.OpenAsync(Path.Combine(directory, "state.db"), time, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var records = plan.Collections.Select(c => new CollectionRecord
        {
            SourceNamespace = c.SourceNamespace,
            TargetNamespace = c.TargetNamespace,
            Status = CollectionStatus.Copying,
            EstimatedCount = c.EstimatedCount,
            EstimatedBytes = c.EstimatedBytes,
        }).ToList();
        await local.CreateJobAsync(new JobRecord { JobId = jobId, DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now }, records, cancellationToken).ConfigureAwait(false);
        foreach (var (record, collection) in records.Zip(plan.Collections))
        {
            var chunks = collection.Chunks.Select(c => new ChunkRecord { SourceNamespace = collection.SourceNamespace, Index = c.Index, Filter = c.Filter, Description = c.Description }).ToList();
            await local.SaveCollectionPlanAsync(jobId, record, chunks, cancellationToken).ConfigureAwait(false);
        }

        return local;
    }

    /// <summary>Until something changes, or the recheck interval passes (a notification lost when the grain moved).</summary>
    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var recheck = new CancellationTokenSource(options.RecheckInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, recheck.Token);
        try
        {
            await _wake.Reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            _logger.LogDebug("Could not delete {Directory}: {Reason}", directory, e.Message);
        }
    }
}
