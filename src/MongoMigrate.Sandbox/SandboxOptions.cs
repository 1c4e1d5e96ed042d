using Microsoft.Extensions.Logging;

namespace MongoMigrate.Sandbox;

/// <summary>How a sandbox server listens and behaves.</summary>
public sealed record SandboxOptions
{
    /// <summary>TCP port on loopback; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Address to listen on. Loopback by default: the sandbox has no authentication.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Replica-set name reported by hello (so ?replicaSet= URIs and change streams work); null for a standalone.</summary>
    public string? ReplicaSetName { get; init; } = "rs0";

    /// <summary>Largest message accepted, as a real server advertises it.</summary>
    public int MaxMessageSizeBytes { get; init; } = 48_000_000;

    /// <summary>How many change events are kept for change streams to resume from (the oplog window).</summary>
    public int ChangeLogCapacity { get; init; } = 1_000_000;

    /// <summary>
    /// How many bytes of documents the change events may hold (their images and update descriptions):
    /// the oldest events fall out past it, so written and dropped data is given back, as a capped oplog does.
    /// </summary>
    public long ChangeLogMaxBytes { get; init; } = DefaultOplogSizeMegabytes * 1024 * 1024;

    /// <summary>The default of <see cref="ChangeLogMaxBytes"/> in megabytes (sandbox --oplog-size).</summary>
    public const long DefaultOplogSizeMegabytes = 64;

    /// <summary>
    /// When nothing was written for this long, the change log gets a no-op entry, as a replica set's
    /// primary writes one every 10 seconds, so idle change streams' postBatchResumeToken moves on.
    /// Zero turns it off. Timed by <see cref="TimeProvider"/>.
    /// </summary>
    public TimeSpan NoopWriterInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most client connections served at once. More are accepted and closed at once, as mongod refuses
    /// connections past its limit, so one client opening too many cannot starve the others.
    /// </summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>
    /// Once the first byte of a message has arrived, the whole message must arrive within this time or
    /// the connection is closed. Connections idle between messages are never timed out: drivers keep pools open.
    /// </summary>
    public TimeSpan MessageReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle server cursors are closed after this long, as mongod does after ten minutes.</summary>
    public TimeSpan CursorIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the TTL monitor deletes expired documents (mongod's ttlMonitorSleepSecs: 60 s). Zero turns it off.
    /// Timed by <see cref="TimeProvider"/>.
    /// </summary>
    public TimeSpan TtlMonitorInterval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}
