using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Commands;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>
/// Serves one client connection: reads a message, runs it, writes the reply, until the client leaves,
/// a fault closes it, or the client sends something malformed (then it logs one line and closes).
/// </summary>
internal sealed class ClientConnection
{
    private const int OpMsgPrefix = MessageHeader.Size + 4 + 1;
    private const int OpReplyPrefix = MessageHeader.Size + 4 + 8 + 4 + 4;

    private readonly Socket _socket;
    private readonly ServerContext _server;
    private readonly CommandDispatcher _dispatcher;
    private readonly ConnectionState _state;
    private readonly BsonBuilder _reply = new(4096);

    // Cancelled when the connection is aborted, so that a reply held for a while (an awaitable hello) ends with it.
    private readonly CancellationTokenSource _aborted = new();

    public ClientConnection(Socket socket, ServerContext server, CommandDispatcher dispatcher)
    {
        _socket = socket;
        _server = server;
        _dispatcher = dispatcher;
        _state = new ConnectionState(server.NextConnectionId(), socket.RemoteEndPoint?.ToString() ?? "unknown")
        {
            ClientGoneAsync = ClientGoneAsync,
        };
    }

    public int Id => _state.Id;

    /// <summary>Closes the socket under the running loop, which then ends.</summary>
    public void Abort()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The loop has ended already.
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(serverStopping, _aborted.Token);
        var cancellationToken = lifetime.Token;
        NetworkStream? stream = null;
        WireMessageReader? reader = null;
        _server.Statistics.ConnectionOpened();
        try
        {
            // Inside the try: a server stopping at once may have aborted the socket before this loop ran.
            stream = new NetworkStream(_socket, ownsSocket: true);
            var options = _server.Options;
            reader = new WireMessageReader(stream, options.MaxMessageSizeBytes, options.MessageReadTimeout, _server.TimeProvider, cancellationToken);
            _socket.NoDelay = true;
            while (!cancellationToken.IsCancellationRequested)
            {
                var message = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                if (_server.Faults.ShouldDropConnection())
                {
                    _server.Logger.LogDebug("Connection {Id}: dropped by fault injection", _state.Id);
                    break;
                }

                var (header, body) = message.Value;
                if (!await HandleAsync(header, body, stream, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (ProtocolException e)
        {
            _server.Logger.LogWarning("Connection {Id} from {Remote} closed: {Reason}", _state.Id, _state.RemoteAddress, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _server.Logger.LogDebug("Connection {Id} ended: {Reason}", _state.Id, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _server.Statistics.ConnectionClosed();
            reader?.Dispose();
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                _socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Completes when the client has closed its end. A zero-byte receive consumes nothing: it completes when data
    /// arrives or at the end of the stream, and only the latter (nothing to read) means the client is gone. A client
    /// that sends something instead (it never should while waiting for a reply) is left to the loop to read.
    /// </summary>
    private async Task ClientGoneAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A peek returns 0 only at the client's end of stream; a byte means the client is there and sent more
            // (a zero-byte receive may also wake up while nothing is readable, which is no proof of leaving).
            var peek = new byte[1];
            if (await _socket.ReceiveAsync(peek, SocketFlags.Peek, cancellationToken).ConfigureAwait(false) > 0)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A reset or an aborted socket: gone as well.
        }
    }

    private async ValueTask<bool> HandleAsync(MessageHeader header, byte[] body, NetworkStream stream, CancellationToken cancellationToken)
    {
        switch (header.OpCode)
        {
            case OpCode.Msg:
                {
                    _reply.Clear();
                    _reply.RawBytes(stackalloc byte[OpMsgPrefix]);
                    var request = ParseOrRefuse(() => OpMsgRequest.Parse(body), OpMsgPrefix);
                    if (request is not null
                        && !await _dispatcher.DispatchAsync(_state, request.Body, request.Sequences, _reply, OpMsgPrefix, cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    if (request?.IsMoreToCome ?? OpMsgRequest.IsMoreToComeIn(body))
                    {
                        // Unacknowledged write: the client expects no reply.
                        return !_state.CloseRequested;
                    }

                    await DelayAsync(cancellationToken).ConfigureAwait(false);
                    Span<byte> prefix = stackalloc byte[OpMsgPrefix];
                    new MessageHeader(_reply.Length, _server.NextRequestId(), header.RequestId, OpCode.Msg).Write(prefix);
                    _reply.Patch(0, prefix);
                    await stream.WriteAsync(_reply.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    return !_state.CloseRequested;
                }

            case OpCode.Query:
                {
                    _reply.Clear();
                    _reply.RawBytes(stackalloc byte[OpReplyPrefix]);
                    var request = ParseOrRefuse(() => OpQueryRequest.Parse(body), OpReplyPrefix);
                    if (request is not null
                        && !await _dispatcher.DispatchAsync(_state, WithDatabase(request), null, _reply, OpReplyPrefix, cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    await DelayAsync(cancellationToken).ConfigureAwait(false);
                    Span<byte> prefix = stackalloc byte[OpReplyPrefix];
                    new MessageHeader(_reply.Length, _server.NextRequestId(), header.RequestId, OpCode.Reply).Write(prefix);
                    BinaryPrimitives.WriteInt32LittleEndian(prefix[16..], 0);
                    BinaryPrimitives.WriteInt64LittleEndian(prefix[20..], 0);
                    BinaryPrimitives.WriteInt32LittleEndian(prefix[28..], 0);
                    BinaryPrimitives.WriteInt32LittleEndian(prefix[32..], 1);
                    _reply.Patch(0, prefix);
                    await stream.WriteAsync(_reply.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    return true;
                }

            case OpCode.Compressed:
                throw new ProtocolException("OP_COMPRESSED received but the sandbox offered no compressors");
            default:
                throw new ProtocolException($"opcode {(int)header.OpCode} is not supported (only OP_MSG, and OP_QUERY for the handshake)");
        }
    }

    /// <summary>
    /// Parses a request; one the server refuses before running it (nested too deep) leaves its error
    /// reply in place of the command's and returns null. Malformed bytes still close the connection.
    /// </summary>
    private T? ParseOrRefuse<T>(Func<T> parse, int replyStart)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (CommandException e)
        {
            _server.Logger.LogDebug("Connection {Id}: request refused: {Reason}", _state.Id, e.Message);
            _dispatcher.WriteError(_reply, replyStart, e);
            return null;
        }
    }

    private async ValueTask DelayAsync(CancellationToken cancellationToken)
    {
        var latency = _server.Faults.Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _server.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>OP_QUERY carries the database in the collection name ("admin.$cmd"); commands expect it as $db.</summary>
    private static RawDocument WithDatabase(OpQueryRequest request)
    {
        var name = request.FullCollectionName;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !name.EndsWith(".$cmd", StringComparison.Ordinal))
        {
            throw new ProtocolException($"OP_QUERY on '{name}' is not supported; only commands (db.$cmd) are");
        }

        var builder = new BsonBuilder(request.Query.Length + 32).StartDocument();
        foreach (var element in request.Query)
        {
            // Legacy wrapping: {$query: {...}, $readPreference: ...}.
            if (element.NameEquals("$query"u8) && element.Type == BsonTypeCode.Document)
            {
                foreach (var inner in element.Value.AsDocument)
                {
                    builder.Element(inner);
                }

                continue;
            }

            if (!element.NameEquals("$db"u8))
            {
                builder.Element(element);
            }
        }

        return builder.String("$db", name[..dot]).End().ToDocument();
    }
}
