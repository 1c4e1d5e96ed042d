using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>
/// Renders a change log entry as the event document a change stream returns, in the server's field order
/// (its change stream transform): _id, operationType, clusterTime, wallTime, collectionUUID, fullDocument,
/// fullDocumentBeforeChange, ns, to, documentKey, updateDescription, operationDescription.
/// </summary>
internal static class ChangeEventDocument
{
    public static RawDocument Create(ChangeEvent change, ChangeStreamOptions options, Catalog catalog)
    {
        var token = new ResumeToken(change.ClusterTime, change.Sequence);
        var builder = new BsonBuilder(256 + (change.PostImage?.Length ?? 0) + (change.PreImage?.Length ?? 0))
            .StartDocument()
            .Document("_id", token.ToDocument())
            .String("operationType", change.OperationType)
            .Timestamp("clusterTime", change.ClusterTime)
            .DateTime("wallTime", change.WallTimeMilliseconds);

        if (options.ShowExpandedEvents && change.CollectionUuid != Guid.Empty && !change.IsView)
        {
            builder.Binary("collectionUUID", 4, change.CollectionUuid.ToByteArray(bigEndian: true));
        }

        if (change.IsDocumentEvent)
        {
            WriteImages(builder, change, options, catalog);
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
            WriteUpdateDescription(builder, description, options.ShowExpandedEvents);
        }

        if (options.ShowExpandedEvents && change.OperationDescription is { } operation)
        {
            builder.Document("operationDescription", operation);
        }

        return builder.End().ToDocument();
    }

    /// <summary>The invalidate event that ends a collection or database stream after a drop or rename.</summary>
    public static RawDocument Invalidate(ChangeEvent cause) =>
        new BsonBuilder().StartDocument()
            .Document("_id", new ResumeToken(cause.ClusterTime, cause.Sequence, FromInvalidate: true).ToDocument())
            .String("operationType", "invalidate")
            .Timestamp("clusterTime", cause.ClusterTime)
            .DateTime("wallTime", cause.WallTimeMilliseconds)
            .End().ToDocument();

    private static void WriteImages(BsonBuilder builder, ChangeEvent change, ChangeStreamOptions options, Catalog catalog)
    {
        if (change.OperationType is "insert" or "replace" && change.PostImage is { } written)
        {
            builder.Document("fullDocument", written);
        }
        else if (change.OperationType == "update" && options.FullDocument != "default")
        {
            var current = options.FullDocument switch
            {
                // The document as it is now, which may be later than this event, or gone: exactly the server's semantics.
                "updateLookup" => catalog.Read(change.Namespace, store => store?.FindById(change.DocumentId!.Value)?.Document),
                _ => change.PostImage ?? Missing(options.FullDocument == "required", "post-image", "update", change),
            };
            if (current is { } document)
            {
                builder.Document("fullDocument", document);
            }
            else
            {
                builder.Null("fullDocument");
            }
        }

        if (options.FullDocumentBeforeChange != "off" && change.OperationType is "update" or "replace" or "delete")
        {
            var before = change.PreImage ?? Missing(options.FullDocumentBeforeChange == "required", "pre-image", "update, delete and replace", change);
            if (before is { } document)
            {
                builder.Document("fullDocumentBeforeChange", document);
            }
            else
            {
                builder.Null("fullDocumentBeforeChange");
            }
        }
    }

    /// <summary>Null for whenAvailable; for required, the server's NoMatchingDocument (47) error.</summary>
    private static RawDocument? Missing(bool required, string image, string events, ChangeEvent change) => required
        ? throw new CommandException(
            ServerErrorCode.NoMatchingDocument,
            $"Change stream was configured to require a {image} for all {events} events, but the {image} was not found for event: {change.OperationType} on {change.Namespace.FullName}")
        : null;

    /// <summary>updatedFields, removedFields, truncatedArrays; disambiguatedPaths only for expanded events (since 6.1).</summary>
    private static void WriteUpdateDescription(BsonBuilder builder, RawDocument description, bool showExpandedEvents)
    {
        builder.StartDocument("updateDescription");
        var disambiguated = false;
        foreach (var element in description)
        {
            if (element.NameEquals("disambiguatedPaths"u8))
            {
                disambiguated = true;
                if (!showExpandedEvents)
                {
                    continue;
                }
            }

            builder.Element(element);
        }

        if (showExpandedEvents && !disambiguated)
        {
            builder.StartDocument("disambiguatedPaths").End();
        }

        builder.End();
    }
}
