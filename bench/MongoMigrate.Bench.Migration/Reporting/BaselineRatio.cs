namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>A contender's ratios to its baseline run, one per round in which both counted.</summary>
public sealed record BaselineRatio(string Contender, IReadOnlyList<double> Throughput, IReadOnlyList<double> Cpu);
