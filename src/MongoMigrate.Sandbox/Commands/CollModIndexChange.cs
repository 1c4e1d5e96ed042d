using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// collMod's {index: {name | keyPattern, ...}}: hidden, a TTL index's expireAfterSeconds, prepareUnique (new duplicate
/// keys refused, older ones kept) and unique: true (the conversion, which needs prepareUnique first and fails with
/// CannotConvertIndexToUnique and the violations when documents share a key; dryRun: true only checks), as 7.0 answers.
/// </summary>
internal static class CollModIndexChange
{
    private static readonly string[] Changes = ["hidden", "expireAfterSeconds", "prepareUnique", "unique"];

    /// <summary>Refuses what mongod refuses before looking at the collection.</summary>
    public static void Check(RawBsonElement element)
    {
        if (element.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field 'collMod.index' is the wrong type '{element.Type}', expected type 'object'");
        }

        var index = element.Value.AsDocument;
        if (!index.Contains("name") && !index.Contains("keyPattern"))
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "must specify either index name or key pattern for collMod");
        }

        foreach (var field in index)
        {
            if (field.Name is not ("name" or "keyPattern") && !Changes.Contains(field.Name))
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, $"BSON field 'collMod.index.{field.Name}' is an unknown field.");
            }

            if (field.Name is "hidden" or "prepareUnique" or "unique" && field.Type != BsonTypeCode.Boolean)
            {
                throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field 'collMod.index.{field.Name}' is the wrong type '{field.Type}', expected type 'bool'");
            }

            if (field.Name == "expireAfterSeconds" && !field.Value.IsNumeric)
            {
                throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field 'collMod.index.expireAfterSeconds' is the wrong type '{field.Type}', expected types '[long, int, decimal, double]'");
            }
        }

        var present = Changes.Count(index.Contains);
        if (present == 0)
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "no expireAfterSeconds or hidden or prepareUnique or unique field");
        }

        if (index.Contains("prepareUnique") && present > 1)
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "prepareUnique cannot be combined with other index modifications");
        }
    }

    /// <summary>Applies the change to the store's index (the caller holds its lock) and writes the _old/_new fields of the reply.</summary>
    public static void Apply(CommandContext context, CollectionStore store, RawDocument index, bool dryRun)
    {
        var definition = Find(store, index);
        if (dryRun && !index.Contains("unique"))
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "dryRun: true is only supported with unique: true");
        }

        var reply = context.Reply;
        if (index.TryGetValue("hidden", out var hidden))
        {
            if (hidden.AsBoolean && definition.IsIdIndex)
            {
                throw new CommandException(ServerErrorCode.BadValue, "can't hide _id index");
            }

            reply.Boolean("hidden_old", definition.Hidden).Boolean("hidden_new", hidden.AsBoolean);
            definition = definition.WithHidden(hidden.AsBoolean);
        }

        if (index.TryGetValue("expireAfterSeconds", out var seconds))
        {
            var old = definition.Specification.TryGetValue("expireAfterSeconds", out var current) && current.IsNumeric
                ? current
                : throw new CommandException(ServerErrorCode.InvalidOptions, "no expireAfterSeconds field to update");
            if (seconds.ToDouble() is < 0 or > int.MaxValue || double.IsNaN(seconds.ToDouble()))
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, $"TTL index 'expireAfterSeconds' option must be within an acceptable range, try a lower number (got {BsonDebugText.Format(seconds)})");
            }

            reply.Value("expireAfterSeconds_old", old).Value("expireAfterSeconds_new", seconds);
            definition = definition.With("expireAfterSeconds", (b, name) => b.Value(name, seconds));
        }

        if (index.TryGetValue("prepareUnique", out var prepare))
        {
            reply.Boolean("prepareUnique_old", definition.PrepareUnique).Boolean("prepareUnique_new", prepare.AsBoolean);
            definition = definition.With("prepareUnique", prepare.AsBoolean ? (b, name) => b.Boolean(name, true) : null);
        }

        if (index.TryGetValue("unique", out var unique))
        {
            definition = ToUnique(store, definition, unique.AsBoolean);
            if (dryRun)
            {
                return;
            }

            reply.Boolean("unique_new", true);
        }

        store.ReplaceIndex(definition);
    }

    private static IndexDefinition ToUnique(CollectionStore store, IndexDefinition definition, bool unique)
    {
        if (!unique)
        {
            throw new CommandException(ServerErrorCode.BadValue, "Cannot make index non-unique: collMod unique must be true");
        }

        if (definition.Unique)
        {
            return definition;
        }

        if (!definition.PrepareUnique)
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "Cannot make index unique with 'prepareUnique=false'. Run 'collMod' to set it first.");
        }

        var violations = UniqueIndex.Over(definition, store.Range(null, null, descending: false)).Violations();
        if (violations.Count > 0)
        {
            var details = new BsonBuilder().StartDocument().StartArray("violations");
            for (var i = 0; i < violations.Count; i++)
            {
                details.StartDocument(BsonBuilder.Index(i)).StartArray("ids");
                for (var j = 0; j < violations[i].Count; j++)
                {
                    details.Value(BsonBuilder.Index(j), violations[i][j]);
                }

                details.End().End();
            }

            throw new CommandException(ServerErrorCode.CannotConvertIndexToUnique, "Cannot convert the index to unique. Please resolve conflicting documents before running collMod again.")
            {
                Details = details.End().End().ToDocument(),
            };
        }

        return definition.With("prepareUnique", null).With("unique", (b, name) => b.Boolean(name, true));
    }

    private static IndexDefinition Find(CollectionStore store, RawDocument index)
    {
        index.TryGetValue("name", out var name);
        index.TryGetValue("keyPattern", out var keyPattern);
        bool Matches(IndexDefinition i) => name.Type == BsonTypeCode.String
            ? i.Name == name.AsString
            : keyPattern.Type == BsonTypeCode.Document && BsonOrder.CompareDocuments(i.KeyPattern, keyPattern.AsDocument) == 0;
        return store.Indexes.FirstOrDefault(Matches)
            ?? throw new CommandException(ServerErrorCode.IndexNotFound, $"cannot find index {(name.Type == BsonTypeCode.String ? name.AsString : BsonDebugText.Format(keyPattern))} for ns {store.Namespace.FullName}");
    }
}
