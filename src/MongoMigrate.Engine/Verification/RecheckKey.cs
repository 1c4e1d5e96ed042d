namespace MongoMigrate.Engine.Verification;

/// <summary>
/// A document to compare again on both sides because a change to it was applied: its source namespace, its _id (as a
/// one-field document <c>{_id: value}</c>, raw BSON) and the cluster time of the change.
/// </summary>
public readonly record struct RecheckKey(string Namespace, byte[] Id, ulong ClusterTime);
