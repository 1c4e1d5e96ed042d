namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>How a capture reads its stream; validated once.</summary>
public sealed record CaptureOptions
{
    /// <summary>Most events per batch.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>How long a getMore waits for events before it returns an empty batch (with a newer post-batch token).</summary>
    public TimeSpan MaxAwaitTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Asks for DDL events (create, createIndexes, dropIndexes, modify) too; MongoDB 6.0 and later.</summary>
    public bool ShowExpandedEvents { get; init; } = true;

    /// <summary>
    /// Asks for events over 16 MiB in fragments ($changeStreamSplitLargeEvent, 7.0 and 6.0.9), put together again before
    /// they are spooled; a source without the stage is read without it (such an event then fails the stream).
    /// </summary>
    public bool SplitLargeEvents { get; init; } = true;

    /// <summary>Resumes in a row after transient errors before capture gives up.</summary>
    public int MaxResumeAttempts { get; init; } = 10;

    /// <summary>Wait before the first resume; doubles with each failed attempt in a row, up to 15 s.</summary>
    public TimeSpan FirstResumeDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAwaitTime, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxResumeAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstResumeDelay, TimeSpan.Zero);
    }
}
