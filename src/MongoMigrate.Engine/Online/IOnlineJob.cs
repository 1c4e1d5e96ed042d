using MongoMigrate.Engine.ChangeStreams;

namespace MongoMigrate.Engine.Online;

/// <summary>What the live display, the cutover channel and (later) an HTTP API need of a running job that may be online.</summary>
public interface IOnlineJob
{
    /// <summary>Whether the job follows the source (--online), once its settings are final.</summary>
    bool IsOnline { get; }

    /// <summary>The following's counters now, or null before following starts (or for an offline job).</summary>
    ChangeStreamProgressSnapshot? Following { get; }

    /// <summary>The continuous verification's pending rechecks, lag and mismatches, or null before following starts (or without it).</summary>
    Verifying.RecheckStatus? Rechecks { get; }

    /// <summary>Asks the job to cut over; completes with the result (cut over at T, or why not).</summary>
    Task<CutoverResult> RequestCutoverAsync(CutoverRequest request, CancellationToken cancellationToken);
}
