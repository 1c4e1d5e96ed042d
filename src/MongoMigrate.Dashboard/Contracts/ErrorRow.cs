namespace MongoMigrate.Dashboard.Contracts;

/// <summary>One recorded error: a failed attempt, chunk or collection.</summary>
public sealed record ErrorRow(DateTimeOffset At, string Kind, string? Collection, int? Chunk, int? Attempt, string Message);
