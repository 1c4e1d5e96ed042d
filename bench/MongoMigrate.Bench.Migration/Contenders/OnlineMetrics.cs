namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>The names of the figures an online run records (<see cref="OnlineDriver"/>), in a sample's metrics.</summary>
public static class OnlineMetrics
{
    /// <summary>From the start of `migrate --online` until its phase left "copying" (seen in its job state, saved every second).</summary>
    public const string CopySeconds = "copySeconds";

    /// <summary>Operations a second the write load reached on the source (0 without one).</summary>
    public const string WritesPerSecond = "writesPerSecond";

    /// <summary>Seconds from the end of the copy until the phase was "following", and the events applied meanwhile.</summary>
    public const string CatchUpSeconds = "catchUpSeconds";

    public const string CatchUpEvents = "catchUpEvents";

    /// <summary>The highest lag seen while catching up.</summary>
    public const string CatchUpLagMax = "catchUpLagMaxSeconds";

    /// <summary>Events applied a second while following (applied events over the following time).</summary>
    public const string FollowingEventsPerSecond = "followingEventsPerSecond";

    /// <summary>The lag while following: each status the job saved (one a second), as `jobs --json` shows it.</summary>
    public const string LagP50 = "lagP50Seconds";

    public const string LagP99 = "lagP99Seconds";

    public const string LagMax = "lagMaxSeconds";

    public const string LagSamples = "lagSamples";

    /// <summary>The continuous verifier's lag while following (oldest change not rechecked yet).</summary>
    public const string VerifierLagP99 = "verifierLagP99Seconds";

    public const string VerifierLagMax = "verifierLagMaxSeconds";

    /// <summary>Events captured over the whole run.</summary>
    public const string EventsCaptured = "eventsCaptured";

    /// <summary>The cutover's own time from the request to "cut over" (its elapsedSeconds), and the `cutover` command's wall time.</summary>
    public const string CutoverSeconds = "cutoverSeconds";

    public const string CutoverCommandSeconds = "cutoverCommandSeconds";

    /// <summary>1 when `mongomigrate verify` after the cutover says the target equals the source, else 0.</summary>
    public const string VerifyEqual = "verifyEqual";
}
