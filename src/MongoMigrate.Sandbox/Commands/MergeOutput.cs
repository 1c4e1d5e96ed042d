using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// $merge as the last stage: each result is matched to the target collection by its <c>on</c> fields (_id by
/// default; other fields need a unique index on exactly them, 51183), then <c>whenMatched</c> (merge, replace,
/// keepExisting, fail) and <c>whenNotMatched</c> (insert, discard, fail) decide, as mongod 7.0 does. A pipeline for
/// whenMatched and <c>let</c> are refused by name.
/// </summary>
internal sealed class MergeOutput
{
    private MergeOutput(Namespace into, IReadOnlyList<string> on, string whenMatched, string whenNotMatched)
    {
        Into = into;
        On = on;
        WhenMatched = whenMatched;
        WhenNotMatched = whenNotMatched;
    }

    public Namespace Into { get; }

    public IReadOnlyList<string> On { get; }

    public string WhenMatched { get; }

    public string WhenNotMatched { get; }

    public static MergeOutput Parse(string database, RawBsonValue value)
    {
        if (value.Type == BsonTypeCode.String)
        {
            return new MergeOutput(Namespace.Create(database, value.AsString), ["_id"], "merge", "insert");
        }

        if (value.Type != BsonTypeCode.Document)
        {
            throw new CommandException(51182, "$merge only supports a string or object argument, not " + BsonValues.TypeName(value.Type));
        }

        Namespace? into = null;
        IReadOnlyList<string> on = ["_id"];
        string whenMatched = "merge", whenNotMatched = "insert";
        foreach (var element in value.AsDocument)
        {
            switch (element.Name)
            {
                case "into":
                    into = element.Type switch
                    {
                        BsonTypeCode.String => Namespace.Create(database, element.Value.AsString),
                        BsonTypeCode.Document when element.Value.AsDocument.TryGetValue("coll", out var coll) && coll.Type == BsonTypeCode.String =>
                            Namespace.Create(element.Value.AsDocument.TryGetValue("db", out var db) && db.Type == BsonTypeCode.String ? db.AsString : database, coll.AsString),
                        _ => throw new CommandException(ServerErrorCode.FailedToParse, "$merge 'into' must be a string or an object with a 'coll' field"),
                    };
                    break;
                case "on":
                    on = element.Type switch
                    {
                        BsonTypeCode.String => [element.Value.AsString],
                        BsonTypeCode.Array when element.Value.AsDocument.Values() is { Count: > 0 } fields && fields.All(f => f.Type == BsonTypeCode.String) =>
                            fields.Select(f => f.AsString).ToList(),
                        _ => throw new CommandException(51186, "$merge 'on' field must be either a string or an array of strings"),
                    };
                    break;
                case "whenMatched":
                    whenMatched = element.Type == BsonTypeCode.Array
                        ? throw new CommandException(ServerErrorCode.BadValue, "The sandbox's $merge does not run a pipeline for whenMatched; use merge, replace, keepExisting or fail")
                        : Mode(element.Value, "whenMatched", "merge", "replace", "keepExisting", "fail");
                    break;
                case "whenNotMatched":
                    whenNotMatched = Mode(element.Value, "whenNotMatched", "insert", "discard", "fail");
                    break;
                case "let":
                    throw new CommandException(ServerErrorCode.BadValue, "The sandbox's $merge does not take 'let' (it only matters for a whenMatched pipeline, which it does not run)");
                default:
                    throw new CommandException(40415, $"BSON field '$merge.{element.Name}' is an unknown field.");
            }
        }

        return new MergeOutput(into ?? throw new CommandException(40414, "BSON field '$merge.into' is missing but a required field"), on, whenMatched, whenNotMatched);
    }

    /// <summary>Writes the results into the target collection (created if needed), one document after the other.</summary>
    public void Write(CommandContext context, IReadOnlyList<RawDocument> results, bool bypassValidation)
    {
        context.Server.Catalog.Write(Into, store =>
        {
            RequireUniqueOn(store);
            foreach (var result in results)
            {
                var document = new RawDocument(result.Bytes.ToArray());
                var existing = FindMatch(store, document);
                if (existing is null)
                {
                    if (WhenNotMatched == "fail")
                    {
                        throw new CommandException(13113, "$merge could not find a matching document in the target collection for at least one document in the source collection");
                    }

                    if (WhenNotMatched == "insert")
                    {
                        Check(store, document, null, bypassValidation);
                        store.Insert(document);
                    }

                    continue;
                }

                switch (WhenMatched)
                {
                    case "fail":
                        throw new CommandException(ServerErrorCode.DuplicateKey, $"$merge with whenMatched: fail found an existing document with the same values for the 'on' fields: {BsonDebugText.Format(existing.Id)}");
                    case "keepExisting":
                        continue;
                    default:
                        var replacement = WhenMatched == "replace" ? Replacement(existing, document) : Merged(existing.Document, document);
                        Check(store, replacement, existing.Document, bypassValidation);
                        store.Replace(existing, replacement, isReplacement: WhenMatched == "replace");
                        break;
                }
            }

            return 0;
        });
    }

    private static string Mode(RawBsonValue value, string field, params string[] modes) =>
        value.Type == BsonTypeCode.String && modes.Contains(value.AsString)
            ? value.AsString
            : throw new CommandException(ServerErrorCode.BadValue, $"Enumeration value '{(value.Type == BsonTypeCode.String ? value.AsString : BsonDebugText.Format(value))}' for field '$merge.{field}' is not a valid value.");

    private static void Check(CollectionStore store, RawDocument document, RawDocument? before, bool bypass)
    {
        if (!bypass)
        {
            store.Validation?.Check(document, before);
        }
    }

    /// <summary>mongod needs a unique index on exactly the 'on' fields, so that a result matches at most one document.</summary>
    private void RequireUniqueOn(CollectionStore store)
    {
        if (On is ["_id"])
        {
            return;
        }

        var wanted = On.ToHashSet(StringComparer.Ordinal);
        var found = store.Indexes.Any(index => index.Unique && index.PartialFilter is null && KeyNames(index.KeyPattern).SetEquals(wanted));
        if (!found)
        {
            throw new CommandException(51183, "Cannot find index to verify that join fields will be unique");
        }
    }

    private static HashSet<string> KeyNames(RawDocument keyPattern)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in keyPattern)
        {
            names.Add(element.Name);
        }

        return names;
    }

    private StoredDocument? FindMatch(CollectionStore store, RawDocument document)
    {
        var values = new List<RawBsonValue>(On.Count);
        foreach (var field in On)
        {
            var value = FieldPath.Parse(field).Evaluate(document);
            if (value.IsMissing() || value.IsNullOrUndefined || value.Type == BsonTypeCode.Array)
            {
                if (field == "_id" && value.IsMissing())
                {
                    return null;
                }

                throw new CommandException(51132, "$merge write error: 'on' field cannot be missing, null, undefined or an array");
            }

            values.Add(value);
        }

        if (On is ["_id"])
        {
            return store.FindById(values[0]);
        }

        return store.Range(null, null, descending: false).FirstOrDefault(stored =>
            On.Select((field, i) => BsonOrder.CompareValues(FieldPath.Parse(field).Evaluate(stored.Document), values[i]) == 0).All(equal => equal));
    }

    /// <summary>whenMatched: replace keeps the stored _id; a result with another _id would change it, which mongod refuses.</summary>
    private static RawDocument Replacement(StoredDocument existing, RawDocument document)
    {
        if (document.TryGetValue("_id", out var id))
        {
            return BsonOrder.CompareValues(id, existing.Id) == 0
                ? document
                : throw new CommandException(ServerErrorCode.ImmutableField, "$merge failed to update the matching document, did you attempt to modify the _id or the shard key? :: caused by :: Performing an update on the path '_id' would modify the immutable field '_id'");
        }

        var builder = new BsonBuilder(document.Length + 32).StartDocument().Value("_id", existing.Id);
        foreach (var element in document)
        {
            builder.Element(element);
        }

        return builder.End().ToDocument();
    }

    /// <summary>whenMatched: merge sets the result's top-level fields on the stored document, as $set would.</summary>
    private static RawDocument Merged(RawDocument stored, RawDocument document)
    {
        var builder = new BsonBuilder(stored.Length + document.Length).StartDocument();
        foreach (var element in stored)
        {
            builder.Element(document.TryGetValue(element.Name, out var replaced) && !element.NameEquals("_id"u8) ? new RawBsonElement(element.Utf8Name, replaced) : element);
        }

        foreach (var element in document)
        {
            if (!stored.Contains(element.Name))
            {
                builder.Element(element);
            }
        }

        return builder.End().ToDocument();
    }
}
