namespace MongoMigrate.Dashboard.Contracts;

/// <summary>Turns adaptive scaling on or off.</summary>
public sealed record AdaptiveRequest(bool Enabled);
