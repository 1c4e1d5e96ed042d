using MongoDB.Driver;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Holds a job to the collections it planned, by their UUIDs: the source's as discovery found it, the target's once
/// the job created (or adopted) it. A collection dropped, recreated or replaced with its whole server on either side
/// while the job runs would otherwise be copied as whatever now has its name, an empty one included, and "verified".
/// </summary>
internal static class CollectionIdentity
{
    /// <summary>Throws a <see cref="MigrationException"/> with the reason when the source collection is not the one the job found.</summary>
    public static async Task EnsureSourceAsync(MigrationContext context, CollectionRecord record, CancellationToken cancellationToken)
    {
        if (record.SourceUuid is not { } planned)
        {
            return;
        }

        var ns = NamespaceName.Parse(record.SourceNamespace);
        var (exists, now) = await ReadAsync(context, context.Source, ns, cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            throw new MigrationException(SourceGone(record));
        }

        if (now is { } uuid && uuid != planned)
        {
            throw new MigrationException(
                $"{ns} was dropped or recreated on the source during the job (its UUID was {planned}, it is {uuid} now): what was copied is not of this collection. "
                + "Run again with --resume: it plans the collection anew and replaces its copy on the target.");
        }
    }

    /// <summary>Throws a <see cref="MigrationException"/> with the reason when the target collection is not the one the job created.</summary>
    public static async Task EnsureTargetAsync(MigrationContext context, CollectionRecord record, CancellationToken cancellationToken)
    {
        if (record.TargetUuid is not { } created)
        {
            return;
        }

        var ns = NamespaceName.Parse(record.TargetNamespace);
        var (exists, now) = await ReadAsync(context, context.Target, ns, cancellationToken).ConfigureAwait(false);
        if (!exists || (now is { } uuid && uuid != created))
        {
            throw new MigrationException(
                $"{ns} was dropped or recreated on the target during the job (its UUID was {created}, {(exists ? $"it is {now} now" : "it is gone now")}): documents copied into it are lost. "
                + "Run again with --resume: it copies the collection anew.");
        }
    }

    /// <summary>The target collection's UUID now (after the job created it), or null when the server gives none.</summary>
    public static async Task<Guid?> TargetUuidAsync(MigrationContext context, NamespaceName target, CancellationToken cancellationToken) =>
        (await ReadAsync(context, context.Target, target, cancellationToken).ConfigureAwait(false)).Uuid;

    /// <summary>Why a collection found by the job is not on the source any more.</summary>
    public static string SourceGone(CollectionRecord record) =>
        $"{record.SourceNamespace} no longer exists on the source: it was dropped or renamed, or the source was replaced by another server, after the job found it "
        + $"(about {record.EstimatedCount:N0} documents); it is not copied as if it were empty. Bring it back and run again with --resume, or leave it out of a new job (a new job copies it under its new name).";

    /// <summary>
    /// On resume: whether the collection must be planned anew because one side is not the collection the job worked
    /// on any more, and why. Null when both are the same (or unknown: older servers and jobs have no UUIDs).
    /// </summary>
    public static async Task<(string Reason, bool TargetIsOurs, bool TargetExists)?> ChangedSinceAsync(MigrationContext context, CollectionRecord record, Guid? sourceNow, CancellationToken cancellationToken)
    {
        var sourceChanged = record.SourceUuid is { } found && sourceNow is { } now && found != now;
        var (exists, uuid) = await ReadAsync(context, context.Target, NamespaceName.Parse(record.TargetNamespace), cancellationToken).ConfigureAwait(false);
        var ours = exists && record.TargetUuid is { } created && uuid == created;
        var targetChanged = record.TargetUuid is not null && !ours;
        if (!sourceChanged && !targetChanged)
        {
            return null;
        }

        var reason = sourceChanged
            ? $"{record.SourceNamespace} was recreated on the source since the job planned it (UUID {record.SourceUuid} then, {sourceNow} now)"
            : $"{record.TargetNamespace} was dropped or recreated on the target since the job created it";
        return (reason, ours, exists);
    }

    private static async Task<(bool Exists, Guid? Uuid)> ReadAsync(MigrationContext context, IMongoClient client, NamespaceName ns, CancellationToken cancellationToken) =>
        await context.Retry.ExecuteAsync(async token => await CollectionUuids.ReadAsync(client, ns, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
}
