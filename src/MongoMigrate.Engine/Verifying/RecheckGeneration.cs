namespace MongoMigrate.Engine.Verifying;

/// <summary>One pass over the keys due for a recheck: how many were compared, found equal, found different for now, and found mismatching.</summary>
public sealed record RecheckGeneration(int Compared, int Equal, int Suspect, int Mismatched);
