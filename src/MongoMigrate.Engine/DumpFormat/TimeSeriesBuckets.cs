namespace MongoMigrate.Engine.DumpFormat;

/// <summary>Time-series collections as mongodump writes them: their data comes from the buckets collection (servers before 8.3).</summary>
public static class TimeSeriesBuckets
{
    /// <summary>The prefix of a time-series collection's buckets collection, e.g. system.buckets.weather.</summary>
    public const string Prefix = "system.buckets.";
}
