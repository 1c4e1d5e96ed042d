namespace MongoMigrate.Engine.State;

/// <summary>An online job's recheck queue at one moment: keys waiting, the oldest change among them (cluster time, null with none), mismatches recorded.</summary>
public sealed record RecheckQueueSize(long Pending, ulong? Oldest, long Mismatches);
