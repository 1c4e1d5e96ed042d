using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoMigrate.Sandbox.Commands;
using MongoMigrate.Sandbox.Cursors;
using MongoMigrate.Sandbox.Faults;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox;

/// <summary>Everything one sandbox server shares between its connections: storage, cursors, change log, clock, faults.</summary>
internal sealed class ServerContext
{
    private int _nextConnectionId;
    private int _nextRequestId;

    public ServerContext(SandboxOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
        TimeProvider = options.TimeProvider;
        Clock = new ClusterClock(options.TimeProvider);
        ChangeLog = new ChangeLog(Clock, options.ChangeLogCapacity, options.ChangeLogMaxBytes);
        Catalog = new Catalog(ChangeLog, new UserWriteBlock());
        Cursors = new CursorManager(options.TimeProvider, options.CursorIdleTimeout);
        StartedAt = options.TimeProvider.GetUtcNow();
    }

    public SandboxOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    public ClusterClock Clock { get; }

    public ChangeLog ChangeLog { get; }

    public Catalog Catalog { get; }

    public CursorManager Cursors { get; }

    public FaultInjector Faults { get; } = new();

    public DateTimeOffset StartedAt { get; }

    public ObjectId ElectionId { get; } = ObjectId.GenerateNewId();

    /// <summary>topologyVersion.processId: new at every start, so a client can tell one server process from the next.</summary>
    public ObjectId ProcessId { get; } = ObjectId.GenerateNewId();

    /// <summary>topologyVersion.counter: the sandbox's topology never changes while it runs (one primary, or a standalone).</summary>
    public long TopologyCounter => 0;

    public HelloStatistics Hellos { get; } = new();

    /// <summary>Connections and operation counters, as serverStatus reports them.</summary>
    public ServerStatistics Statistics { get; } = new();

    /// <summary>host:port as clients must reach it; set once the listener is bound.</summary>
    public string Address { get; set; } = string.Empty;

    public bool IsReplicaSet => Options.ReplicaSetName is not null;

    public int NextConnectionId() => Interlocked.Increment(ref _nextConnectionId);

    public int NextRequestId() => Interlocked.Increment(ref _nextRequestId);
}
