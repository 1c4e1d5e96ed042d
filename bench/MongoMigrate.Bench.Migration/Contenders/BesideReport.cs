namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// What a client beside a contender's steps did (<see cref="Contender.Beside"/>): a note for the log and the table,
/// figures it measured (by name, see <see cref="OnlineMetrics"/>), and why the sample must not count, if it must not.
/// </summary>
public sealed record BesideReport(string Note, IReadOnlyDictionary<string, double>? Metrics = null, string? Error = null);
