using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>Renders a change log entry as the event document a change stream returns.</summary>
internal static class ChangeEventDocument
{
    public static RawDocument Create(ChangeEvent change, ChangeStreamOptions options, Catalog catalog)
    {
        var token = new ResumeToken(change.ClusterTime, change.Sequence);
        var builder = new BsonBuilder(256 + (change.PostImage?.Length ?? 0))
            .StartDocument()
            .Document("_id", token.ToDocument())
            .String("operationType", change.OperationType)
            .Timestamp("clusterTime", change.ClusterTime)
            .DateTime("wallTime", change.WallTimeMilliseconds);

        if (options.ShowExpandedEvents && change.CollectionUuid != Guid.Empty)
        {
            builder.Binary("collectionUUID", 4, change.CollectionUuid.ToByteArray(bigEndian: true));
        }

        var fullDocument = FullDocument(change, options, catalog);
        if (change.OperationType is "insert" or "replace" && fullDocument is { } inserted)
        {
            builder.Document("fullDocument", inserted);
        }

        builder.StartDocument("ns").String("db", change.Namespace.Database);
        if (change.OperationType != "dropDatabase")
        {
            builder.String("coll", change.Namespace.Collection);
        }

        builder.End();
        if (change.RenameTarget is { } to)
        {
            builder.StartDocument("to").String("db", to.Database).String("coll", to.Collection).End();
        }

        if (change.DocumentId is { } id)
        {
            builder.StartDocument("documentKey").Value("_id", id).End();
        }

        if (change.UpdateDescription is { } description)
        {
            builder.Document("updateDescription", description);
        }

        if (change.OperationType == "update" && options.FullDocument != "default")
        {
            if (fullDocument is { } current)
            {
                builder.Document("fullDocument", current);
            }
            else
            {
                builder.Null("fullDocument");
            }
        }

        if (options.FullDocumentBeforeChange != "off" && change.OperationType is "update" or "replace" or "delete")
        {
            if (change.PreImage is { } before)
            {
                builder.Document("fullDocumentBeforeChange", before);
            }
            else
            {
                builder.Null("fullDocumentBeforeChange");
            }
        }

        return builder.End().ToDocument();
    }

    /// <summary>The invalidate event that ends a collection or database stream after a drop or rename.</summary>
    public static RawDocument Invalidate(ChangeEvent cause) =>
        new BsonBuilder().StartDocument()
            .Document("_id", new ResumeToken(cause.ClusterTime, cause.Sequence).ToDocument())
            .String("operationType", "invalidate")
            .Timestamp("clusterTime", cause.ClusterTime)
            .DateTime("wallTime", cause.WallTimeMilliseconds)
            .End().ToDocument();

    private static RawDocument? FullDocument(ChangeEvent change, ChangeStreamOptions options, Catalog catalog)
    {
        if (change.OperationType is "insert" or "replace")
        {
            return change.PostImage;
        }

        if (change.OperationType != "update")
        {
            return null;
        }

        return options.FullDocument switch
        {
            // The document as it is now, which may be later than this event, or gone: exactly the server's semantics.
            "updateLookup" => catalog.Read(change.Namespace, store => store?.FindById(change.DocumentId!.Value)?.Document),
            "whenAvailable" or "required" => change.PostImage,
            _ => null,
        };
    }
}
