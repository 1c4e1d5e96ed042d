using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Discovery;

/// <summary>A view found on the source: its namespace and its listCollections options (viewOn, pipeline, collation).</summary>
public sealed record SourceView(NamespaceName Namespace, RawDocument Options);
