using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Online;

/// <summary>What an online job's following and cutover need from the job.</summary>
public sealed record OnlineSettings
{
    public required string JobId { get; init; }

    public required IMongoClient Source { get; init; }

    public required IMongoClient Target { get; init; }

    /// <summary>The job's collections: source and target namespace (after renames).</summary>
    public required IReadOnlyList<(NamespaceName Source, NamespaceName Target)> Collections { get; init; }

    /// <summary>
    /// The job's selection: collections it takes that appear on the source while following are followed, copied through
    /// their changes, and compared at cutover. Null: only <see cref="Collections"/> (a sync-back).
    /// </summary>
    public NamespaceSelection? Selection { get; init; }

    /// <summary>Namespaces the selection takes that the job's discovery left out (views, time-series): never followed.</summary>
    public IReadOnlyList<NamespaceName> LeftOut { get; init; } = [];

    public required IChangeStreamCheckpointStore Store { get; init; }

    /// <summary>The job's folder; the spool goes in its "changes" subfolder.</summary>
    public required string JobDirectory { get; init; }

    public required WorkerPoolCoordinator Pools { get; init; }

    public int RestoreWorkers { get; init; } = 4;

    public DiskBudget DiskBudget { get; init; } = new(long.MaxValue);

    public required JobProgress Progress { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>The cutover's gate; by default the documents changed since their copy are rechecked (<see cref="ChangedDocumentsCheck"/>).</summary>
    public Func<ChangedDocuments, ICutoverCheck>? Check { get; init; }

    /// <summary>Where the continuous verification's recheck queue is kept; null: no continuous verification (--verify none).</summary>
    public IRecheckQueueStore? Rechecks { get; init; }

    /// <summary>A collection's copied _id ranges (as filters), compared as soon as its copy is done; null: none compared.</summary>
    public Func<NamespaceName, CancellationToken, Task<IReadOnlyList<RawDocument>>>? CopiedRanges { get; init; }

    /// <summary>The share of copied ranges compared (--verify sample); rechecks of changed documents are never sampled.</summary>
    public double VerifySample { get; init; } = 1;

    /// <summary>The dump pool's size when this creates it: the continuous verification reads under its slots.</summary>
    public int DumpWorkers { get; init; } = 4;

    /// <summary>
    /// Where following starts when the job has no checkpoint yet; null for the source's cluster time now. A sync-back
    /// gives the target's cluster time recorded at the cutover.
    /// </summary>
    public ulong? StartTime { get; init; }

    /// <summary>How often the status (phase, counters, lag) is saved in the job state.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
