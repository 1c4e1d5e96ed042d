namespace MongoMigrate.Cluster.Jobs;

/// <summary>The registry's durable state: the cluster's job ids.</summary>
[GenerateSerializer]
public sealed class ClusterRegistryState
{
    [Id(0)]
    public List<string> JobIds { get; set; } = [];
}
