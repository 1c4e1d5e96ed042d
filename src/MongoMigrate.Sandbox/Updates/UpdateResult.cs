using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>The result of applying an update to one document.</summary>
public readonly record struct UpdateResult(RawDocument Document, bool Modified);
