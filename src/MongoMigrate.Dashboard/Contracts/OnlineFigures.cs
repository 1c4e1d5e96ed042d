namespace MongoMigrate.Dashboard.Contracts;

/// <summary>An online job's following: where it stands, its change events and how far the target lags behind the source.</summary>
/// <param name="Phase">copying, catching up, following, cutting over or cut over (the engine's online phase).</param>
/// <param name="EventsCaptured">Change events read from the source by this run.</param>
/// <param name="EventsApplied">Change events applied to the target by this run.</param>
/// <param name="EventsPending">Captured but not yet durably applied.</param>
/// <param name="EventsPerSecond">Events applied per second, over the last seconds.</param>
/// <param name="LagSeconds">The source's latest cluster time minus the last applied change's; null until both are known, 0 once cut over.</param>
/// <param name="AppliedUpTo">Every change up to this cluster time is applied (as people read it), or null before the first.</param>
/// <param name="Cutover">The last cutover asked for from here or the keys' engine call, or null.</param>
public sealed record OnlineFigures(
    string Phase,
    long EventsCaptured,
    long EventsApplied,
    long EventsPending,
    double EventsPerSecond,
    double? LagSeconds,
    string? AppliedUpTo,
    CutoverOutcome? Cutover)
{
    /// <summary>The continuous verifier: changed documents waiting for their recheck, or null when the job has none running.</summary>
    public long? RecheckPending { get; init; }

    /// <summary>The continuous verifier's lag: the source's latest time less the oldest change not rechecked yet (0 with none waiting).</summary>
    public double? VerifierLagSeconds { get; init; }

    /// <summary>Documents the continuous verifier found mismatching.</summary>
    public long? RecheckMismatches { get; init; }
}
