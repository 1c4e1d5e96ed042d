using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// A collection's validator, enforced as mongod enforces it: a query filter every inserted or updated document must
/// match (DocumentValidationFailure, 121), unless the command bypasses validation, validationLevel is "off", the
/// level is "moderate" and the document being updated did not match before, or validationAction is "warn".
/// </summary>
internal sealed class DocumentValidation
{
    private readonly RawDocument _validator;
    private readonly bool _moderate;
    private QueryFilter? _filter;

    private DocumentValidation(RawDocument validator, bool moderate)
    {
        _validator = validator;
        _moderate = moderate;
    }

    /// <summary>The validation the collection options ask for, or null when there is none to enforce.</summary>
    public static DocumentValidation? From(RawDocument options)
    {
        if (!options.TryGetValue("validator", out var validator) || validator.Type != BsonTypeCode.Document || validator.AsDocument.IsEmpty)
        {
            return null;
        }

        var level = options.TryGetValue("validationLevel", out var l) && l.Type == BsonTypeCode.String ? l.AsString : "strict";
        var action = options.TryGetValue("validationAction", out var a) && a.Type == BsonTypeCode.String ? a.AsString : "error";
        return level == "off" || action == "warn" ? null : new DocumentValidation(validator.AsDocument, level == "moderate");
    }

    /// <summary>Throws 121 when <paramref name="document"/> (replacing <paramref name="before"/>, if any) fails the validator.</summary>
    public void Check(RawDocument document, RawDocument? before)
    {
        var filter = _filter ??= Compile(_validator);
        if (filter.Matches(document) || (_moderate && before is { } old && !filter.Matches(old)))
        {
            return;
        }

        throw new CommandException(ServerErrorCode.DocumentValidationFailure, "Document failed validation");
    }

    private static QueryFilter Compile(RawDocument validator)
    {
        try
        {
            return QueryFilter.Compile(validator);
        }
        catch (CommandException e)
        {
            throw new CommandException(
                ServerErrorCode.DocumentValidationFailure,
                $"Document failed validation: the sandbox cannot evaluate this collection's validator ({e.Message}); insert with bypassDocumentValidation, or use a MongoDB server");
        }
    }
}
