namespace MongoMigrate.Sandbox.Protocol;

/// <summary>
/// Reads whole messages from a connection's stream, checking the declared length before allocating.
/// Waiting for a message has no time limit (drivers keep idle pooled connections), but once its first
/// byte has arrived the rest must follow within the read timeout, so a client trickling bytes cannot
/// hold a connection and its buffer forever.
/// </summary>
internal sealed class WireMessageReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxMessageSize;
    private readonly TimeSpan _readTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly byte[] _header = new byte[MessageHeader.Size];
    private readonly CancellationTokenRegistration _stopping;
    private readonly Lock _lock = new();
    private CancellationTokenSource _deadline;

    public WireMessageReader(Stream stream, int maxMessageSize, TimeSpan readTimeout, TimeProvider timeProvider, CancellationToken stopping)
    {
        _stream = stream;
        _maxMessageSize = maxMessageSize;
        _readTimeout = readTimeout;
        _timeProvider = timeProvider;
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _stopping = stopping.UnsafeRegister(static state => ((WireMessageReader)state!).CancelDeadline(), this);
    }

    /// <summary>The next message, or null when the client closed the connection between messages.</summary>
    public async ValueTask<(MessageHeader Header, byte[] Body)?> ReadAsync(CancellationToken cancellationToken)
    {
        // Idle between messages: wait as long as it takes.
        var read = await _stream.ReadAsync(_header, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        var deadline = ArmDeadline();
        try
        {
            return await ReadRestAsync(read, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProtocolException(
                $"a message did not arrive in full within {_readTimeout.TotalMilliseconds:0} ms of its first byte (SandboxOptions.MessageReadTimeout)");
        }
        finally
        {
            Disarm(deadline);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        lock (_lock)
        {
            _deadline.Dispose();
        }
    }

    private async ValueTask<(MessageHeader Header, byte[] Body)> ReadRestAsync(int headerBytes, CancellationToken deadline)
    {
        if (headerBytes < MessageHeader.Size)
        {
            var rest = await _stream.ReadAtLeastAsync(_header.AsMemory(headerBytes), MessageHeader.Size - headerBytes, throwOnEndOfStream: false, deadline).ConfigureAwait(false);
            if (headerBytes + rest < MessageHeader.Size)
            {
                throw new ProtocolException($"connection closed inside a message header ({headerBytes + rest} of 16 bytes)");
            }
        }

        var header = MessageHeader.Read(_header);
        if (header.MessageLength < MessageHeader.Size || header.MessageLength > _maxMessageSize)
        {
            throw new ProtocolException($"message length {header.MessageLength} is outside 16..{_maxMessageSize}");
        }

        // A fresh array per message: stored documents and compiled filters keep slices of it, so it must not be reused.
        var body = new byte[header.MessageLength - MessageHeader.Size];
        try
        {
            await _stream.ReadExactlyAsync(body, deadline).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new ProtocolException($"connection closed inside a {header.MessageLength}-byte message", e);
        }

        return (header, body);
    }

    private CancellationTokenSource ArmDeadline()
    {
        lock (_lock)
        {
            if (_readTimeout > TimeSpan.Zero && _readTimeout != Timeout.InfiniteTimeSpan)
            {
                _deadline.CancelAfter(_readTimeout);
            }

            return _deadline;
        }
    }

    /// <summary>Stops the deadline's timer; a source that fired (or was cancelled by shutdown) is replaced.</summary>
    private void Disarm(CancellationTokenSource deadline)
    {
        lock (_lock)
        {
            if (!deadline.TryReset())
            {
                deadline.Dispose();
                _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
            }
        }
    }

    private void CancelDeadline()
    {
        lock (_lock)
        {
            _deadline.Cancel();
        }
    }
}
