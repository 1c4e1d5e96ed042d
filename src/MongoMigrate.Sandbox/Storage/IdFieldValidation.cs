using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// The _id values mongod 7.0's insert path (fixDocumentForInsert) refuses, with its BadValue (2) messages:
/// arrays, regexes, undefined, and documents holding a '$'-prefixed field at any depth (a DBRef's $ref/$id/$db excepted).
/// </summary>
internal static class IdFieldValidation
{
    public static void Validate(RawBsonValue id)
    {
        var problem = id.Type switch
        {
            BsonTypeCode.Array => "can't use an array for _id",
            BsonTypeCode.RegularExpression => "can't use a regex for _id",
            BsonTypeCode.Undefined => "can't use a undefined for _id",
            BsonTypeCode.Document when FirstInvalidDollarField(id.AsDocument) is { } name =>
                $"_id fields may not contain '$'-prefixed fields: {name} is not valid for storage.",
            _ => null,
        };
        if (problem is not null)
        {
            throw new CommandException(ServerErrorCode.BadValue, problem);
        }
    }

    /// <summary>The first '$'-prefixed name that is not part of a DBRef, as BSONObj::storageValidEmbedded finds it.</summary>
    private static string? FirstInvalidDollarField(RawDocument document)
    {
        var dbRef = IsDbRef(document);
        var position = 0;
        foreach (var element in document)
        {
            var name = element.Name;
            var allowed = dbRef && ((position, name) is (0, "$ref") or (1, "$id")
                || (position == 2 && name == "$db" && element.Type == BsonTypeCode.String));
            if (name.StartsWith('$') && !allowed)
            {
                return name;
            }

            if (element.Value.IsDocumentOrArray && FirstInvalidDollarField(element.Value.AsDocument) is { } nested)
            {
                return nested;
            }

            position++;
        }

        return null;
    }

    // A DBRef starts {$ref: "<string>", $id: <any>} and may go on with $db: "<string>".
    private static bool IsDbRef(RawDocument document)
    {
        var elements = document.GetEnumerator();
        return elements.MoveNext() && elements.Current.NameEquals("$ref"u8) && elements.Current.Type == BsonTypeCode.String
            && elements.MoveNext() && elements.Current.NameEquals("$id"u8);
    }
}
