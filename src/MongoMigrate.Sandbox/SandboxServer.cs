using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoMigrate.Sandbox.Commands;
using MongoMigrate.Sandbox.Faults;
using MongoMigrate.Sandbox.Protocol;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox;

/// <summary>
/// An in-memory MongoDB-compatible server on loopback that the official driver talks to over TCP.
/// For tests, demos and benchmarks only: it keeps nothing on disk and has no authentication.
/// <code>await using var server = await SandboxServer.StartAsync(new SandboxOptions(), ct);</code>
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ServerContext _context;
    private readonly CommandDispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, (ClientConnection Connection, Task Task)> _connections = new();
    private readonly ConnectionAcceptor _acceptor;
    private readonly ITimer? _noopWriter;
    private readonly ITimer? _ttlMonitor;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    private SandboxServer(SandboxOptions options, TcpListener listener)
    {
        _listener = listener;
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MongoMigrate.Sandbox");
        _context = new ServerContext(options, logger);
        _dispatcher = new CommandDispatcher(_context, CommandCatalog.CreateHandlers());
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        Port = endpoint.Port;
        _context.Address = $"{options.Host}:{Port}";
        var maxConnections = OpenFileLimit.Connections(options.MaxConnections);
        if (maxConnections < options.MaxConnections)
        {
            _context.Logger.LogWarning(
                "Serving at most {Max} connections, not {Configured}: the open-files limit (ulimit -n) allows no more",
                maxConnections,
                options.MaxConnections);
        }

        if (_context.IsReplicaSet && options.NoopWriterInterval > TimeSpan.Zero)
        {
            var changeLog = _context.ChangeLog;
            _noopWriter = options.TimeProvider.CreateTimer(_ => changeLog.AppendNoopIfIdle(), null, options.NoopWriterInterval, options.NoopWriterInterval);
        }

        if (options.TtlMonitorInterval > TimeSpan.Zero)
        {
            var monitor = new TtlMonitor(_context.Catalog, options.TimeProvider);
            var ttlLogger = _context.Logger;
            _ttlMonitor = options.TimeProvider.CreateTimer(_ => RunTtlPass(monitor, ttlLogger), null, options.TtlMonitorInterval, options.TtlMonitorInterval);
        }

        _acceptor = new ConnectionAcceptor(listener.AcceptSocketAsync, Serve, maxConnections, options.TimeProvider, _context.Logger);
    }

    /// <summary>The port the server listens on.</summary>
    public int Port { get; }

    /// <summary>host:port.</summary>
    public string Address => _context.Address;

    /// <summary>A URI for the driver: with ?replicaSet= when the server acts as a replica-set primary.</summary>
    public string ConnectionString => _context.Options.ReplicaSetName is { } name
        ? $"mongodb://{Address}/?replicaSet={Uri.EscapeDataString(name)}"
        : $"mongodb://{Address}/?directConnection=true";

    /// <summary>Programmable failures: failing commands, dropped connections, latency.</summary>
    public FaultInjector Faults => _context.Faults;

    /// <summary>The shared server state, for tests that look at what the server holds.</summary>
    internal ServerContext Context => _context;

    /// <summary>How many client connections are open.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>topologyVersion.processId in every hello reply: new at each start of a server.</summary>
    public MongoDB.Bson.ObjectId ProcessId => _context.ProcessId;

    /// <summary>hello and isMaster commands answered since the start (handshakes, monitoring, round-trip checks, users' own).</summary>
    public long HelloCount => _context.Hellos.Answered;

    /// <summary>Awaitable hellos (topologyVersion with maxAwaitTimeMS) received since the start.</summary>
    public long AwaitableHelloCount => _context.Hellos.Awaitable;

    /// <summary>Awaitable hellos that were held until their maxAwaitTimeMS ran out.</summary>
    public long HelloHeldToDeadlineCount => _context.Hellos.HeldToDeadline;

    /// <summary>Awaitable hellos being held right now.</summary>
    public int HeldHelloCount => _context.Hellos.Holding;

    /// <summary>Starts listening; the returned server accepts connections until disposed.</summary>
    public static Task<SandboxServer> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new SandboxOptions();
        var address = IPAddress.Parse(options.Host);
        var listener = new TcpListener(address, options.Port);
        try
        {
            listener.Start(backlog: 512);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new InvalidOperationException($"The sandbox cannot listen on {options.Host}:{options.Port}: {e.Message}. Pick another port (or 0 for any free one).", e);
        }

        var server = new SandboxServer(options, listener);
        server._acceptLoop = server._acceptor.RunAsync(server._stopping.Token);
        server._context.Logger.LogInformation("Sandbox listening on {Address}", server.Address);
        return Task.FromResult(server);
    }

    /// <summary>Closes every server cursor, so the next getMore on any of them fails with CursorNotFound.</summary>
    public int KillAllCursors() => _context.Cursors.KillAll();

    /// <summary>Closes every client connection (the driver sees network errors and reconnects).</summary>
    public void DropAllConnections()
    {
        foreach (var pair in _connections)
        {
            pair.Value.Connection.Abort();
        }
    }

    /// <summary>Completes when the server has stopped (after disposal).</summary>
    public Task Completion => _acceptLoop;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_noopWriter is not null)
        {
            await _noopWriter.DisposeAsync().ConfigureAwait(false);
        }

        if (_ttlMonitor is not null)
        {
            await _ttlMonitor.DisposeAsync().ConfigureAwait(false);
        }

        _listener.Stop();
        DropAllConnections();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(_connections.Values.Select(c => c.Task)).ConfigureAwait(false);
        _listener.Dispose();
        _stopping.Dispose();
    }

    /// <summary>One TTL pass on the timer's thread; a failure is logged and the next pass tries again, as mongod's monitor does.</summary>
    private static void RunTtlPass(TtlMonitor monitor, ILogger logger)
    {
        try
        {
            var deleted = monitor.Pass();
            if (deleted > 0)
            {
                logger.LogDebug("TTL monitor deleted {Count} expired document(s)", deleted);
            }
        }
        catch (Exception e) when (e is CommandException or InvalidOperationException)
        {
            logger.LogWarning("TTL monitor pass failed: {Reason}", e.Message);
        }
    }

    private Task Serve(Socket socket)
    {
        var connection = new ClientConnection(socket, _context, _dispatcher);
        var token = _stopping.Token;
        var task = Task.Run(() => connection.RunAsync(token), CancellationToken.None);
        _connections[connection.Id] = (connection, task);
        _ = task.ContinueWith(_ => _connections.TryRemove(connection.Id, out var _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }
}
