namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>One target of issue 7 against the measured figures: met, missed, or not measured in this run.</summary>
public sealed record TargetCheck(string Target, string Measured, bool? Met);
