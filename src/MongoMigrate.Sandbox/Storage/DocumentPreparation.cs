using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>What the server does to a document before storing it: checks its size and _id, and puts _id first.</summary>
internal static class DocumentPreparation
{
    /// <summary>
    /// Returns the document to store. It is the same bytes when _id is already first, which is the case
    /// for everything the driver sends; otherwise _id is moved to the front (or generated) as mongod does.
    /// </summary>
    public static RawDocument ForInsert(RawDocument document)
    {
        if (document.Length > CollectionStore.MaxDocumentSize)
        {
            throw new CommandException(
                ServerErrorCode.BsonObjectTooLarge,
                $"object to insert too large. size in bytes: {document.Length}, max size: {CollectionStore.MaxDocumentSize}");
        }

        var position = 0;
        var idPosition = -1;
        RawBsonValue id = default;
        foreach (var element in document)
        {
            if (element.NameEquals("_id"u8))
            {
                idPosition = position;
                id = element.Value;
                break;
            }

            position++;
        }

        if (idPosition >= 0)
        {
            ValidateId(id);
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

        foreach (var element in document)
        {
            if (!element.NameEquals("_id"u8))
            {
                builder.Element(element);
            }
        }

        var result = builder.End().ToDocument();
        return result.Length > CollectionStore.MaxDocumentSize
            ? throw new CommandException(ServerErrorCode.BsonObjectTooLarge, $"object to insert too large. size in bytes: {result.Length}, max size: {CollectionStore.MaxDocumentSize}")
            : result;
    }

    /// <summary>The _id restrictions of the server: no arrays, regexes or undefined.</summary>
    public static void ValidateId(RawBsonValue id)
    {
        var problem = id.Type switch
        {
            BsonTypeCode.Array => "can't use an array for _id",
            BsonTypeCode.RegularExpression => "can't use a regex for _id",
            BsonTypeCode.Undefined => "can't use a undefined for _id",
            _ => null,
        };
        if (problem is not null)
        {
            throw new CommandException(ServerErrorCode.InvalidIdField, problem);
        }
    }
}
