using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Discovery;

/// <summary>A namespace left out of a job, and why.</summary>
public sealed record SkippedNamespace(NamespaceName Namespace, string Reason);
