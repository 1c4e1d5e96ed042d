using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ChangeStreams.Spool;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.ChangeStreams;

/// <summary>Everything an online job's following needs.</summary>
public sealed record FollowerSettings
{
    public required string JobId { get; init; }

    public required IMongoClient Source { get; init; }

    public required IMongoClient Target { get; init; }

    /// <summary>The selected source collections.</summary>
    public required IReadOnlyList<NamespaceName> Namespaces { get; init; }

    /// <summary>The job's namespace mapping (renames): where a source collection lives on the target.</summary>
    public required Func<NamespaceName, NamespaceName> TargetOf { get; init; }

    /// <summary>
    /// The job's selection: collections it takes that appear on the source while following (created, or renamed into it)
    /// are followed too. Null: only <see cref="Namespaces"/>.
    /// </summary>
    public NamespaceSelection? Selection { get; init; }

    /// <summary>Namespaces the selection takes but the job left out (its discovery skipped them): never followed.</summary>
    public IReadOnlyList<NamespaceName> LeftOut { get; init; } = [];

    /// <summary>The folder the spool's segments go to (in the job's work folder).</summary>
    public required string SpoolFolder { get; init; }

    public required IChangeStreamCheckpointStore Checkpoints { get; init; }

    /// <summary>The coordinator whose restore pool for <see cref="JobId"/> the lanes write under.</summary>
    public required WorkerPoolCoordinator Pools { get; init; }

    /// <summary>The restore pool's size when this creates it.</summary>
    public int RestoreWorkers { get; init; } = 4;

    /// <summary>The spool's disk budget (shared with the dump's, if the job has one).</summary>
    public DiskBudget DiskBudget { get; init; } = new(long.MaxValue);

    /// <summary>Which collections' changes may be applied yet; all of them by default (following after the copy).</summary>
    public NamespaceGate Gate { get; init; } = NamespaceGate.AllReady();

    /// <summary>Told of every document change dealt to the target, e.g. to recheck it at cutover.</summary>
    public IDocumentChangeObserver? Observer { get; init; }

    public CaptureOptions Capture { get; init; } = new();

    public SpoolOptions Spool { get; init; } = new();

    public ApplyOptions Apply { get; init; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
