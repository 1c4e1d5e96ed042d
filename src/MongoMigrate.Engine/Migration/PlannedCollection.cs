using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Migration;

/// <summary>A collection of a job as a run starts it: the source as found, its target, its stored record, and why it cannot go on (if it cannot).</summary>
internal sealed record PlannedCollection(SourceCollection Collection, NamespaceName Target, CollectionRecord Record)
{
    public string? Problem { get; init; }
}
