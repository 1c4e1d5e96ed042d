using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>
/// Accepts client connections and hands each to <c>serve</c>, up to a limit: past it a connection is
/// accepted and closed at once, as mongod refuses connections over maxIncomingConnections. When accepting
/// fails (out of file descriptors, EMFILE/ENFILE, or any other error) it waits for a connection to close
/// or a short, growing delay instead of retrying in a tight loop.
/// </summary>
internal sealed class ConnectionAcceptor
{
    /// <summary>The first wait after a failed accept; each further failure in a row doubles it.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between attempts while accepting keeps failing.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, ValueTask<Socket>> _accept;
    private readonly Func<Socket, Task> _serve;
    private readonly int _maxConnections;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private TaskCompletionSource _closed = NewSignal();
    private int _open;

    public ConnectionAcceptor(Func<CancellationToken, ValueTask<Socket>> accept, Func<Socket, Task> serve, int maxConnections, TimeProvider timeProvider, ILogger logger)
    {
        _accept = accept;
        _serve = serve;
        _maxConnections = Math.Max(1, maxConnections);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Connections being served now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Accepts until <paramref name="cancellationToken"/> is cancelled or the listener is closed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _accept(cancellationToken).ConfigureAwait(false);
                backoff = FirstBackoff;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                Log(e, backoff);
                await WaitBeforeRetryAsync(backoff, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
                continue;
            }

            if (Interlocked.Increment(ref _open) > _maxConnections)
            {
                Interlocked.Decrement(ref _open);
                Refuse(socket);
                continue;
            }

            Task serving;
            try
            {
                serving = _serve(socket);
            }
            catch
            {
                Released();
                throw;
            }

            _ = serving.ContinueWith(static (_, state) => ((ConnectionAcceptor)state!).Released(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Log(Exception e, TimeSpan backoff)
    {
        if (e is SocketException { SocketErrorCode: SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable })
        {
            _logger.LogWarning(
                "Accepting connections failed: {Reason}, with {Open} open; retrying when one closes or in {Delay} ms (raise the open-files limit, ulimit -n, or lower SandboxOptions.MaxConnections)",
                e.Message,
                OpenConnections,
                (int)backoff.TotalMilliseconds);
        }
        else
        {
            _logger.LogWarning("Accepting a connection failed: {Reason}; retrying in {Delay} ms", e.Message, (int)backoff.TotalMilliseconds);
        }
    }

    private void Refuse(Socket socket)
    {
        _logger.LogWarning(
            "Connection from {Remote} refused: {Open} connections are open, the limit (SandboxOptions.MaxConnections, --max-connections) is {Max}",
            RemoteOf(socket),
            OpenConnections,
            _maxConnections);
        socket.Dispose();
    }

    /// <summary>Waits until a connection closes (a file descriptor may be free again) or the delay passes.</summary>
    private async Task WaitBeforeRetryAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Task closed;
        lock (_lock)
        {
            closed = _closed.Task;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _timeProvider, stop.Token);
        await Task.WhenAny(closed, timer).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }

    private void Released()
    {
        Interlocked.Decrement(ref _open);
        TaskCompletionSource signal;
        lock (_lock)
        {
            signal = _closed;
            _closed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static string RemoteOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "unknown";
        }
        catch (SocketException)
        {
            return "unknown";
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
