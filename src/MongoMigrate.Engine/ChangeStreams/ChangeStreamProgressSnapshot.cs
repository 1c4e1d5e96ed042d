namespace MongoMigrate.Engine.ChangeStreams;

/// <summary>What the CLI and the dashboard show of an online job's following, at one moment.</summary>
/// <param name="EventsCaptured">Change events written to the spool by this run.</param>
/// <param name="EventsApplied">Change events applied to the target by this run.</param>
/// <param name="RecordsPending">Spool records (events and idle progress marks) captured but not yet durably applied.</param>
/// <param name="EventsPerSecond">Events applied per second, over the last few seconds.</param>
/// <param name="LagSeconds">The source's latest cluster time minus the cluster time of the last change applied (null until both are known).</param>
/// <param name="SourceTime">The source's latest cluster time seen (BSON timestamp), 0 before the first batch.</param>
/// <param name="AppliedTime">The cluster time up to which every change is durably applied, 0 before the first.</param>
/// <param name="ActiveLanes">Lanes writing right now (never more than the restore pool allows).</param>
/// <param name="PeakActiveLanes">The most lanes that wrote at once.</param>
/// <param name="Refreshes">Documents read again from the source because an update could not be applied as described.</param>
/// <param name="SpoolBytes">Bytes of spool files on disk.</param>
public sealed record ChangeStreamProgressSnapshot(
    long EventsCaptured,
    long EventsApplied,
    long RecordsPending,
    double EventsPerSecond,
    double? LagSeconds,
    ulong SourceTime,
    ulong AppliedTime,
    int ActiveLanes,
    int PeakActiveLanes,
    long Refreshes,
    long SpoolBytes);
