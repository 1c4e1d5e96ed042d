using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// Runs a command given as raw BSON and returns the reply as raw BSON, so documents, filters and range
/// bounds reach the server and come back byte for byte: nothing passes through BsonDocument.
/// </summary>
public sealed class RawCommandRunner(IMongoDatabase database)
{
    public string DatabaseName => database.DatabaseNamespace.DatabaseName;

    /// <summary>The database, for the driver's CRUD API where raw documents must pass through untouched (inserts).</summary>
    public IMongoDatabase Database => database;

    /// <summary>Sends <paramref name="command"/> to the primary; a reply with ok:0 throws MongoCommandException as the driver does.</summary>
    public async Task<RawDocument> RunAsync(RawDocument command, CancellationToken cancellationToken)
    {
        using var request = new RawBsonDocument(command.Bytes.ToArray());
        var reply = await database.RunCommandAsync(new ObjectCommand<RawBsonDocument>(request), ReadPreference.Primary, cancellationToken).ConfigureAwait(false);
        return ToRawDocument(reply);
    }

    /// <summary>The bytes of a driver RawBsonDocument as a RawDocument, without copying when the buffer allows it.</summary>
    public static RawDocument ToRawDocument(RawBsonDocument document)
    {
        var slice = document.Slice;
        var segment = slice.AccessBackingBytes(0);
        if (segment.Count >= slice.Length && segment.Array is not null)
        {
            return new RawDocument(segment.Array.AsMemory(segment.Offset, slice.Length));
        }

        var bytes = new byte[slice.Length];
        slice.GetBytes(0, bytes, 0, bytes.Length);
        return new RawDocument(bytes);
    }

    /// <summary>A driver RawBsonDocument over our bytes (copied once into an array the driver can own).</summary>
    public static RawBsonDocument ToRawBsonDocument(RawDocument document) =>
        new(new ByteArrayBuffer(document.Bytes.ToArray(), isReadOnly: true));
}
