namespace MongoMigrate.Dashboard.Contracts;

/// <summary>A refusal: one line that says what to do.</summary>
public sealed record ApiError(string Error);
