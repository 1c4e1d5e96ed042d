using System.Buffers.Binary;
using System.Net.Sockets;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Tests.Protocol;

/// <summary>Speaks OP_MSG over a plain socket, for what the driver will not send (slow, huge or deeply nested messages).</summary>
internal static class RawWire
{
    public static byte[] OpMsg(RawDocument body, int requestId = 7)
    {
        var length = 16 + 4 + 1 + body.Length;
        var message = new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(message, length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), 2013);
        message[20] = 0;
        body.Span.CopyTo(message.AsSpan(21));
        return message;
    }

    public static RawDocument Ping() => new BsonBuilder().StartDocument().Int32("ping", 1).String("$db", "admin").End().ToDocument();

    /// <summary>Sends one command and reads its reply's body document.</summary>
    public static async Task<RawDocument> RoundTripAsync(NetworkStream stream, RawDocument body, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(OpMsg(body), cancellationToken);
        return await ReadReplyAsync(stream, cancellationToken);
    }

    public static async Task<RawDocument> ReadReplyAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[16];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var rest = new byte[BinaryPrimitives.ReadInt32LittleEndian(header) - 16];
        await stream.ReadExactlyAsync(rest, cancellationToken);
        return new RawDocument(rest.AsMemory(5));
    }

    /// <summary>Completes when the server closes the connection (end of stream or reset); fails if it sends anything.</summary>
    public static async Task<bool> ClosedByServerAsync(NetworkStream stream, TimeSpan within, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within);
        try
        {
            var buffer = new byte[64];
            return await stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
