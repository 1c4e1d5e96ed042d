namespace MongoMigrate.Engine.Resilience;

/// <summary>
/// The one backoff of the engine, for server operations (<see cref="RetryPolicy"/>) and whole chunks alike: the delay
/// doubles with each retry up to a ceiling, and ±25 % jitter spreads the retries of many workers.
/// </summary>
public static class Backoff
{
    /// <summary>The delay before retry <paramref name="retry"/> (0 for the first).</summary>
    public static TimeSpan Exponential(TimeSpan first, int retry, TimeSpan max)
    {
        var exponent = Math.Clamp(retry, 0, 16);
        var ticks = Math.Min(first.Ticks * (1L << exponent), max.Ticks);
        var jitter = 0.75 + (Random.Shared.NextDouble() * 0.5);
        return TimeSpan.FromTicks((long)(ticks * jitter));
    }
}
