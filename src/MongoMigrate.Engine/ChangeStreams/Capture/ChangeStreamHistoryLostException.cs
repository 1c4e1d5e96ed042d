using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// The source no longer holds the changes from where capture must continue (ChangeStreamHistoryLost,
/// code 286): following on would leave a hole, so the named collections must be copied again.
/// </summary>
public sealed class ChangeStreamHistoryLostException(IReadOnlyList<NamespaceName> namespaces, string position, Exception inner)
    : MigrationException(
        $"The source's change history no longer reaches back to {position} (its oplog window has passed): the changes since then to "
        + $"{string.Join(", ", namespaces)} are lost (ChangeStreamHistoryLost). Copy these collections again: start the migration anew without --resume (another --job-id), and give the source a larger oplog.",
        inner)
{
    /// <summary>The collections whose changes were lost and that must be copied again.</summary>
    public IReadOnlyList<NamespaceName> Namespaces { get; } = namespaces;
}
