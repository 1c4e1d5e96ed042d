namespace MongoMigrate.Engine.State;

/// <summary>A document that still differed after every change to it was applied: what differs, and when it was found.</summary>
public sealed record RecheckMismatch(string Namespace, byte[] Id, string Description, ulong ClusterTime);
