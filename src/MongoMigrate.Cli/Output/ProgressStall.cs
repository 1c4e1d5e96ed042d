using System.Globalization;
using MongoMigrate.Engine.Progress;

namespace MongoMigrate.Cli.Output;

/// <summary>
/// Notices when a job shows no progress for a while (no document, no byte, no change of phase) and says what it is
/// waiting for and since when, so that "0 docs/s" is never all a user sees of a server that does not answer.
/// </summary>
/// <param name="timeProvider">The clock.</param>
/// <param name="waitingFor">What the job waits for in a phase: "the source", "the target", "the dump"...</param>
internal sealed class ProgressStall(TimeProvider timeProvider, Func<string, string> waitingFor)
{
    /// <summary>How long a job may show no progress before the display says what it waits for.</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private (string Phase, long Documents, long Bytes)? _last;
    private DateTimeOffset _since = timeProvider.GetUtcNow();

    /// <summary>What the migration waits for in each phase.</summary>
    public static string MigrationWaitsFor(string phase) => phase switch
    {
        "discovering" => "the source",
        "connecting" => "the source and target",
        _ => "the source or target",
    };

    /// <summary>Takes a new snapshot; returns the note to show, or null while progress is being made.</summary>
    public string? Observe(JobProgressSnapshot snapshot)
    {
        var now = timeProvider.GetUtcNow();
        var current = (snapshot.Phase, snapshot.Documents, snapshot.Bytes);
        lock (_lock)
        {
            if (_last != current)
            {
                // The first look counts from when the display started: a job that never moved has waited since then.
                if (_last is not null)
                {
                    _since = now;
                }

                _last = current;
                return null;
            }

            var quiet = now - _since;
            if (quiet < Threshold || snapshot.Phase is "done" or "stopped" or "failed")
            {
                return null;
            }

            return string.Create(
                CultureInfo.InvariantCulture,
                $"waiting for {waitingFor(snapshot.Phase)} since {TimeZoneInfo.ConvertTime(_since, timeProvider.LocalTimeZone):HH:mm:ss} ({quiet.TotalSeconds:0} s without progress)");
        }
    }
}
