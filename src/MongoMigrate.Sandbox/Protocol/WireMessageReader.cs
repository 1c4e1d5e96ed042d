namespace MongoMigrate.Sandbox.Protocol;

/// <summary>Reads whole messages from a connection's stream, checking the declared length before allocating.</summary>
internal sealed class WireMessageReader(Stream stream, int maxMessageSize)
{
    private readonly byte[] _header = new byte[MessageHeader.Size];

    /// <summary>The next message, or null when the client closed the connection between messages.</summary>
    public async ValueTask<(MessageHeader Header, byte[] Body)?> ReadAsync(CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(_header, MessageHeader.Size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < MessageHeader.Size)
        {
            throw new ProtocolException($"connection closed inside a message header ({read} of 16 bytes)");
        }

        var header = MessageHeader.Read(_header);
        if (header.MessageLength < MessageHeader.Size || header.MessageLength > maxMessageSize)
        {
            throw new ProtocolException($"message length {header.MessageLength} is outside 16..{maxMessageSize}");
        }

        // A fresh array per message: stored documents and compiled filters keep slices of it, so it must not be reused.
        var body = new byte[header.MessageLength - MessageHeader.Size];
        try
        {
            await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new ProtocolException($"connection closed inside a {header.MessageLength}-byte message", e);
        }

        return (header, body);
    }
}
