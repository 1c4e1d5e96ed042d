using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// What mongod 7.0 does to a document before inserting it (fixDocumentForInsert): checks its size and _id and
/// puts _id first. Its other part, filling top-level Timestamp(0,0) values with the cluster time, needs the clock
/// and the command's bypassEmptyTsReplacement flag, so the write commands do it first (Commands/EmptyTimestamps).
/// </summary>
internal static class DocumentPreparation
{
    /// <summary>
    /// Returns the document to store. It is the same bytes when _id is already first, which is the case for
    /// everything the driver sends; otherwise it is rebuilt with _id first, as mongod does.
    /// </summary>
    public static RawDocument ForInsert(RawDocument document)
    {
        if (document.Length > CollectionStore.MaxDocumentSize)
        {
            throw TooLarge(document.Length);
        }

        var position = 0;
        var idPosition = -1;
        RawBsonValue id = default;
        foreach (var element in document)
        {
            if (element.NameEquals("_id"u8))
            {
                if (idPosition >= 0)
                {
                    throw new CommandException(ServerErrorCode.BadValue, "can't have multiple _id fields in one document");
                }

                idPosition = position;
                id = element.Value;
            }

            position++;
        }

        if (idPosition >= 0)
        {
            IdFieldValidation.Validate(id);
        }

        if (idPosition == 0)
        {
            return document;
        }

        var builder = new BsonBuilder(document.Length + 32).StartDocument();
        if (idPosition < 0)
        {
            builder.ObjectId("_id", CollectionStore.NewObjectId());
        }
        else
        {
            builder.Value("_id", id);
        }

        position = 0;
        foreach (var element in document)
        {
            if (position++ == idPosition)
            {
                continue;
            }

            builder.Element(element);
        }

        var result = builder.End().ToDocument();
        return result.Length > CollectionStore.MaxDocumentSize ? throw TooLarge(result.Length) : result;
    }

    private static CommandException TooLarge(int length) => new(
        ServerErrorCode.BsonObjectTooLarge,
        $"object to insert too large. size in bytes: {length}, max size: {CollectionStore.MaxDocumentSize}");
}
