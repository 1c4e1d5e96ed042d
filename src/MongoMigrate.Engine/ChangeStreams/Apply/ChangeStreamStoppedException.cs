using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>A change the applier cannot apply safely (most DDL): following stops, with the change and what to do.</summary>
public sealed class ChangeStreamStoppedException(string operationType, NamespaceName? ns, ulong clusterTime)
    : MigrationException(
        $"Following the source stopped at a '{operationType}' of {ns?.ToString() ?? "the cluster"} (cluster time {clusterTime >> 32}.{(uint)clusterTime}): "
        + "this change cannot be applied safely while following. Everything before it is applied; copy the affected collections again (start the online migration anew) once the schema change is done.")
{
    public string OperationType { get; } = operationType;

    public NamespaceName? Namespace { get; } = ns;
}
