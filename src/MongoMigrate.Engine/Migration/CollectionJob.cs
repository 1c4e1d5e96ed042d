using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Progress;

namespace MongoMigrate.Engine.Migration;

/// <summary>One collection of a job: where it comes from and goes, its chunks as stored, its live progress.</summary>
public sealed class CollectionJob
{
    public required SourceCollection Source { get; init; }

    public required NamespaceName Target { get; init; }

    public required CollectionProgress Progress { get; init; }

    /// <summary>The chunks as the state store holds them at the start of this run.</summary>
    public required IReadOnlyList<Chunk> Chunks { get; init; }

    /// <summary>
    /// Where the chunks to copy come from when not from <see cref="Chunks"/>: a source that hands them in while the
    /// run goes (a cluster's leases); the run ends once it is completed. Null: the stored chunks not yet restored.
    /// </summary>
    public System.Threading.Channels.ChannelReader<Chunk>? Feed { get; init; }

    /// <summary>Told at once when a chunk fails for good (a fed run ends only when its feed does, so it cannot wait for the end).</summary>
    public Action<Chunk, Exception>? GaveUp { get; init; }

    /// <summary>The key under which workers are tracked and measured: the source namespace.</summary>
    public string Key => Source.Namespace.FullName;

    /// <summary>Larger collections get slots first: the longest pole decides when the job ends.</summary>
    public long Priority => Math.Max(Source.EstimatedBytes, 0);

    /// <summary>Counts a batch's inserts as copied: documents written by this run, and their share of the batch's bytes.</summary>
    public void CountInserted(InsertBatch batch, InsertResult result)
    {
        var bytes = result.AlreadyPresent == 0 ? batch.Bytes : batch.Bytes * result.Inserted / Math.Max(1, batch.Count);
        Progress.AddCopied(result.Inserted, bytes);
    }
}
