using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>A change the applier cannot apply safely (most DDL): following stops, with the change and what to do.</summary>
public sealed class ChangeStreamStoppedException : MigrationException
{
    public ChangeStreamStoppedException(string operationType, NamespaceName? ns, ulong clusterTime)
        : base(
            $"Following the source stopped at a '{operationType}' of {ns?.ToString() ?? "the cluster"} ({Describe(clusterTime)}): "
            + "this change cannot be applied safely while following. Everything before it is applied; copy the affected collections again (start the online migration anew) once the schema change is done.")
    {
        OperationType = operationType;
        Namespace = ns;
    }

    /// <summary>A stop whose reason the caller words (it says what to do).</summary>
    public ChangeStreamStoppedException(string operationType, NamespaceName? ns, ulong clusterTime, string reason)
        : base($"Following the source stopped at a '{operationType}' of {ns?.ToString() ?? "the cluster"} ({Describe(clusterTime)}): {reason}")
    {
        OperationType = operationType;
        Namespace = ns;
    }

    public string OperationType { get; }

    public NamespaceName? Namespace { get; }

    private static string Describe(ulong clusterTime) => $"cluster time {clusterTime >> 32}.{(uint)clusterTime}";
}
