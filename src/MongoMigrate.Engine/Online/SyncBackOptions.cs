namespace MongoMigrate.Engine.Online;

/// <summary>What `sync-back` is given: the cut-over online job it follows back, where its state is, and how to connect.</summary>
public sealed record SyncBackOptions
{
    public required string JobId { get; init; }

    public required string WorkDirectory { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The restore pool's size (the apply lanes); null for the job's own count.</summary>
    public int? RestoreWorkers { get; init; }
}
