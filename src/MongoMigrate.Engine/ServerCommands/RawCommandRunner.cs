using System.Buffers;
using System.Runtime.InteropServices;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// Runs a command given as raw BSON and returns the reply as raw BSON, so documents, filters and range
/// bounds reach the server and come back byte for byte: nothing passes through BsonDocument.
/// </summary>
/// <remarks>
/// Given a session, every command runs in it: a server cursor may only be continued in the session that
/// opened it, which implicit sessions (taken from the driver's pool per command) only happen to give
/// when one caller uses the client at a time.
/// </remarks>
public sealed class RawCommandRunner(IMongoDatabase database, IClientSessionHandle? session = null)
{
    public string DatabaseName => database.DatabaseNamespace.DatabaseName;

    /// <summary>Sends <paramref name="command"/> to the primary; a reply with ok:0 throws MongoCommandException as the driver does.</summary>
    /// <remarks>
    /// The command must be a BsonDocumentCommand over a RawBsonDocument. The driver looks for $db, lsid and
    /// $clusterTime in the command before it adds them: a RawBsonDocument answers that from its bytes and is
    /// then copied to the wire as it is, whereas an ObjectCommand wraps it in a BsonDocumentWrapper whose
    /// first lookup deserializes the whole command, every inserted document included, into a BsonDocument
    /// that is serialized again. That round trip was a fifth of the engine's CPU on a copy (perf, see
    /// docs/benchmarks.md), and a BsonDocument round trip is what changes values the driver cannot represent (DBPointers, documents nested past 100 levels).
    /// The bytes are not copied: the caller must not change them until this returns.
    /// </remarks>
    public async Task<RawDocument> RunAsync(RawDocument command, CancellationToken cancellationToken)
    {
        using var request = Wrap(command);
        var reply = await RunRawAsync(request, cancellationToken).ConfigureAwait(false);
        var result = ToRawDocument(reply, out var copied);
        if (copied)
        {
            // The copy is ours; giving the driver's pooled chunks back lets it reuse them for the next reply.
            reply.Dispose();
        }

        return result;
    }

    /// <summary>
    /// Like <see cref="RunAsync"/>, but the reply is copied into a pooled buffer that the caller gives back by
    /// disposing it (for bulk reads, whose replies are megabytes each), and the driver's own buffers are
    /// released at once.
    /// </summary>
    public async Task<PooledReply> RunPooledAsync(RawDocument command, CancellationToken cancellationToken)
    {
        using var request = Wrap(command);
        using var reply = await RunRawAsync(request, cancellationToken).ConfigureAwait(false);
        var slice = reply.Slice;
        var buffer = ArrayPool<byte>.Shared.Rent(slice.Length);
        slice.GetBytes(0, buffer, 0, slice.Length);
        return new PooledReply(buffer, slice.Length);
    }

    private Task<RawBsonDocument> RunRawAsync(RawBsonDocument request, CancellationToken cancellationToken) => session is null
        ? database.RunCommandAsync(new BsonDocumentCommand<RawBsonDocument>(request), ReadPreference.Primary, cancellationToken)
        : database.RunCommandAsync(session, new BsonDocumentCommand<RawBsonDocument>(request), ReadPreference.Primary, cancellationToken);

    /// <summary>The bytes of a driver RawBsonDocument as a RawDocument, without copying when the buffer allows it.</summary>
    public static RawDocument ToRawDocument(RawBsonDocument document) => ToRawDocument(document, out _);

    private static RawDocument ToRawDocument(RawBsonDocument document, out bool copied)
    {
        var slice = document.Slice;
        var segment = slice.AccessBackingBytes(0);
        if (segment.Count >= slice.Length && segment.Array is not null)
        {
            copied = false;
            return new RawDocument(segment.Array.AsMemory(segment.Offset, slice.Length));
        }

        // A reply larger than one of the driver's chunks (1 MiB) is spread over several: join them. Every byte
        // is overwritten, so the array need not be zeroed first.
        var bytes = GC.AllocateUninitializedArray<byte>(slice.Length);
        slice.GetBytes(0, bytes, 0, bytes.Length);
        copied = true;
        return new RawDocument(bytes);
    }

    /// <summary>A read-only driver view of the command's own bytes (copied only when they are not in an array).</summary>
    private static RawBsonDocument Wrap(RawDocument command)
    {
        if (MemoryMarshal.TryGetArray(command.Bytes, out var segment) && segment.Array is { } array)
        {
            var buffer = new ByteArrayBuffer(array, segment.Offset + segment.Count, isReadOnly: true);
            return new RawBsonDocument(segment.Offset == 0 ? buffer : buffer.GetSlice(segment.Offset, segment.Count));
        }

        return new RawBsonDocument(new ByteArrayBuffer(command.Bytes.ToArray(), isReadOnly: true));
    }
}
