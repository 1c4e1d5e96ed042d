using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Discovery;

/// <summary>
/// Collection UUIDs as listCollections reports them (info.uuid): a collection dropped and created again under the same
/// name has a new one, so a job can tell the collection it planned from another of the same name.
/// </summary>
public static class CollectionUuids
{
    /// <summary>Whether the collection exists, and its UUID (null from servers that give none).</summary>
    public static async Task<(bool Exists, Guid? Uuid)> ReadAsync(IMongoClient client, NamespaceName ns, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(client.GetDatabase(ns.Database));
        var cursor = await RawCursor.OpenAsync(runner, ListCollectionsCommand.Build(ns.Collection), null, cancellationToken).ConfigureAwait(false);
        var found = await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? (false, null) : (true, Of(found[0]));
    }

    /// <summary>The UUID in one listCollections entry, or null.</summary>
    public static Guid? Of(RawDocument info) =>
        info.TryGetValue("info", out var i) && i.Type == BsonTypeCode.Document && i.AsDocument.TryGetValue("uuid", out var u) && u.Type == BsonTypeCode.Binary
            ? new Guid(u.BinaryData.Span, bigEndian: true)
            : null;
}
