using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;
using MongoMigrate.Sandbox.Updates;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>update: statements of {q, u, upsert, multi, arrayFilters}; replies n, nModified, upserted and writeErrors.</summary>
internal sealed class UpdateCommand : SyncCommandHandler
{
    public override string Name => "update";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var statements = context.Documents("updates");
        var ordered = context.GetBoolean("ordered", true);
        long matched = 0, modified = 0;
        var upserted = new List<(int Index, RawBsonValue Id)>();
        var errors = new List<WriteError>();
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                var outcome = Apply(context, ns, statements[i]);
                matched += outcome.Matched;
                modified += outcome.Modified;
                if (outcome.UpsertedId is { } id)
                {
                    upserted.Add((i, id));
                }
            }
            catch (CommandException e)
            {
                errors.Add(WriteError.From(i, e));
                if (ordered)
                {
                    break;
                }
            }
        }

        context.Reply.Number("n", matched + upserted.Count).Number("nModified", modified);
        if (upserted.Count > 0)
        {
            context.Reply.StartArray("upserted");
            for (var i = 0; i < upserted.Count; i++)
            {
                context.Reply.StartDocument(BsonBuilder.Index(i)).Int32("index", upserted[i].Index).Value("_id", upserted[i].Id).End();
            }

            context.Reply.End();
        }

        WriteErrors.Write(context.Reply, errors);
    }

    private static Outcome Apply(CommandContext context, Namespace ns, RawDocument statement)
    {
        CollationSupport.Check(statement);
        var query = Required(statement, "q");
        var update = statement.TryGetValue("u", out var u) ? u : throw new CommandException(ServerErrorCode.FailedToParse, "BSON field 'update.updates.u' is missing but a required field");
        var multi = statement.TryGetValue("multi", out var m) && m.IsTruthy;
        var upsert = statement.TryGetValue("upsert", out var up) && up.IsTruthy;
        var spec = UpdateSpecification.Compile(update, ArrayFilters(statement));
        if (multi && spec.Kind == UpdateSpecification.UpdateKind.Replacement)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "multi update is not supported for replacement-style update");
        }

        var filter = QueryFilter.Compile(query);
        var time = context.Server.TimeProvider;
        var bypass = context.GetBoolean("bypassDocumentValidation", false);
        var replacement = spec.Kind == UpdateSpecification.UpdateKind.Replacement;
        var fill = replacement && !EmptyTimestamps.Bypassed(context);
        var clock = context.Server.Clock;
        return context.Server.Catalog.Write(ns, store =>
        {
            var targets = QueryPlanner.Matching(store, filter);
            var list = multi ? targets.ToList() : targets.Take(1).ToList();
            long modified = 0;
            foreach (var target in list)
            {
                var updateContext = new UpdateContext(time) { PositionalIndex = filter.TryGetPositionalIndex(target.Document, out var p) ? p : null };
                var result = spec.Apply(target.Document, updateContext);
                if (fill)
                {
                    var filled = EmptyTimestamps.Fill(result.Document, clock);
                    result = new UpdateResult(filled, result.Modified || !filled.Span.SequenceEqual(target.Document.Span));
                }

                if (result.Modified)
                {
                    if (!bypass)
                    {
                        store.Validation?.Check(result.Document, target.Document);
                    }

                    store.Replace(target, result.Document, replacement);
                    modified++;
                }
            }

            if (list.Count == 0 && upsert)
            {
                var document = spec.BuildUpsert(filter, new UpdateContext(time));
                document = fill ? EmptyTimestamps.Fill(document, clock) : document;
                if (!bypass)
                {
                    store.Validation?.Check(document, null);
                }

                var inserted = store.Insert(document);
                return new Outcome(0, 0, inserted.Id);
            }

            return new Outcome(list.Count, modified, null);
        });
    }

    public static IReadOnlyList<RawDocument>? ArrayFilters(RawDocument statement)
    {
        if (!statement.TryGetValue("arrayFilters", out var value) || value.IsNullOrUndefined)
        {
            return null;
        }

        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, "arrayFilters must be an array");
        }

        return value.AsDocument.Values().Select(v => v.Type == BsonTypeCode.Document ? v.AsDocument : throw new CommandException(ServerErrorCode.TypeMismatch, "each array filter must be an object")).ToList();
    }

    public static RawDocument Required(RawDocument statement, string name) =>
        statement.TryGetValue(name, out var value) && value.Type == BsonTypeCode.Document
            ? value.AsDocument
            : throw new CommandException(ServerErrorCode.FailedToParse, $"BSON field '{name}' is missing or is not an object");

    private readonly record struct Outcome(long Matched, long Modified, RawBsonValue? UpsertedId);
}
