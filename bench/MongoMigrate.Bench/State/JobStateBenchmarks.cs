using BenchmarkDotNet.Attributes;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Bench.State;

/// <summary>
/// What the job state costs a collection of one chunk, as a thousand small collections make it pay: its plan
/// saved, the chunk's attempt and restore recorded, the collection completed and its chunks read back, eight
/// collections at a time (the engine's metadata concurrency with four workers a side). Every change is synced
/// (WAL, synchronous = FULL) before it returns, so the figure is mostly the file system's sync.
/// </summary>
[MemoryDiagnoser]
public class JobStateBenchmarks
{
    private const int Collections = 200;
    private const int Concurrency = 8;

    /// <summary>With the copied mark between the restore and the completion, as when index builds or a verification follow.</summary>
    [Params(false, true)]
    public bool MarkedCopied { get; set; }

    private string _folder = null!;
    private SqliteJobStateStore _store = null!;
    private int _job;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("mm-bench-state-").FullName;
        _store = await SqliteJobStateStore.OpenAsync(Path.Combine(_folder, "state.db"));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The state changes of one single-chunk collection, from plan to completion (mean per collection).</summary>
    [Benchmark(OperationsPerInvoke = Collections)]
    public async Task CollectionLifecycle()
    {
        var jobId = $"job-{_job++}";
        var collections = Enumerable.Range(0, Collections)
            .Select(i => new CollectionRecord { SourceNamespace = $"db.c{i}", TargetNamespace = $"db.c{i}", Status = CollectionStatus.Pending })
            .ToList();
        var now = DateTimeOffset.UtcNow;
        await _store.CreateJobAsync(new JobRecord { JobId = jobId, DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now }, collections, CancellationToken.None);
        await Parallel.ForEachAsync(collections, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (collection, token) =>
        {
            var key = collection.SourceNamespace;
            var chunk = new ChunkRecord { SourceNamespace = key, Index = 0, Filter = [5, 0, 0, 0, 0], Description = "whole collection" };
            await _store.SaveCollectionPlanAsync(jobId, collection with { Status = CollectionStatus.Copying }, [chunk], token);
            await _store.RecordAttemptAsync(jobId, key, 0, token);
            await _store.MarkChunkRestoredAsync(jobId, key, 0, 500, 512_000, null, token);
            if (MarkedCopied)
            {
                await _store.UpdateCollectionAsync(jobId, key, CollectionStatus.Copied, null, null, token);
            }

            await _store.CompleteCollectionAsync(jobId, key, null, null, null, token);
            await _store.GetChunksAsync(jobId, key, token);
        });
    }
}
