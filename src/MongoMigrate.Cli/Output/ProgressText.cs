using System.Globalization;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Verifying;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Cli.Output;

/// <summary>The words and numbers of progress, shared by the live view and the plain lines.</summary>
internal static class ProgressText
{
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(JobProgressSnapshot snapshot) =>
        $"{snapshot.DocumentsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} docs/s, {SizeParser.Format(snapshot.BytesPerSecond)}/s";

    public static string Percent(double percent) => percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Pool(WorkerPoolSnapshot? pool) => pool is null ? "-" : $"{pool.Active}/{pool.MaxWorkers}{(pool.Waiting > 0 ? $" ({pool.Waiting} waiting)" : string.Empty)}";

    /// <summary>One line for logs and redirected output.</summary>
    public static string Line(JobProgressSnapshot snapshot, JobWorkerPoolsSnapshot? pools) =>
        $"[{SizeParser.FormatDuration(snapshot.Elapsed)}] {snapshot.Phase} {Percent(snapshot.Percent)} "
        + $"{Number(snapshot.Documents)} docs {SizeParser.Format(snapshot.Bytes)} | {Rate(snapshot)} | ETA {SizeParser.FormatDuration(snapshot.Eta)} "
        + $"| dump {Pool(pools?.Dump)} restore {Pool(pools?.Restore)}";

    /// <summary>An online job's following: events captured, applied and pending, rate and lag; null before following starts.</summary>
    public static string? Following(ChangeStreamProgressSnapshot? following) => following is null ? null :
        $"events captured {Number(following.EventsCaptured)}, applied {Number(following.EventsApplied)}, pending {Number(following.RecordsPending)}, "
        + $"{following.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} events/s, lag {(following.LagSeconds is { } lag ? lag.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-")}";

    /// <summary>An online job's continuous verification: rechecks pending, the verifier's lag and mismatches; null without it.</summary>
    public static string? Rechecks(RecheckStatus? rechecks) => rechecks is null ? null :
        $"rechecks pending {Number(rechecks.Pending)}, verifier lag {rechecks.LagSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        + (rechecks.Mismatches > 0 ? $", {Number(rechecks.Mismatches)} mismatch(es)" : string.Empty);

    /// <summary>The following and, beside it, the continuous verification, as one text; null before following starts.</summary>
    public static string? Online(ChangeStreamProgressSnapshot? following, RecheckStatus? rechecks) =>
        Following(following) is not { } text ? null : Rechecks(rechecks) is { } verifier ? $"{text} | {verifier}" : text;

    public static string Chunks(CollectionProgress collection) => collection.ChunksTotal == 0 ? "-" :
        $"{collection.ChunksDumped}/{collection.ChunksRestored}/{collection.ChunksTotal}{(collection.ChunksFailed > 0 ? $" ({collection.ChunksFailed} failed)" : string.Empty)}";

    public static double CollectionPercent(CollectionProgress collection) =>
        collection.Phase == CollectionPhase.Done ? 100
        : collection.EstimatedBytes == 0 ? (collection.ChunksTotal == 0 ? 0 : 100.0 * collection.ChunksRestored / collection.ChunksTotal)
        : Math.Min(99.9, 100.0 * collection.Bytes / collection.EstimatedBytes);
}
