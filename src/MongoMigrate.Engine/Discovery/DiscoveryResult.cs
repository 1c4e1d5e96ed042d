namespace MongoMigrate.Engine.Discovery;

/// <summary>The collections a job will copy and the namespaces it leaves out.</summary>
public sealed record DiscoveryResult(IReadOnlyList<SourceCollection> Collections, IReadOnlyList<SkippedNamespace> Skipped);
