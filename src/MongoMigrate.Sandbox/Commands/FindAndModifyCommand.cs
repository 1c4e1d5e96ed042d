using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;
using MongoMigrate.Sandbox.Updates;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>findAndModify: updates, replaces or removes one document (the first by sort) and returns it, before or after.</summary>
internal sealed class FindAndModifyCommand : SyncCommandHandler
{
    public override string Name => "findAndModify";

    public override IReadOnlyList<string> Aliases => ["findandmodify"];

    protected override void Execute(CommandContext context)
    {
        CollationSupport.Check(context.Body);
        var ns = context.CollectionNamespace();
        var filter = DocumentFilter.Compile(context.GetDocument("query"));
        var sort = SortSpecification.Compile(context.GetDocument("sort") ?? RawDocument.Empty);
        var remove = context.GetBoolean("remove", false);
        var hasUpdate = context.TryGet("update", out var update) && !update.IsNullOrUndefined;
        if (remove == hasUpdate)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, remove ? "Cannot specify both an update and remove=true" : "Either an update or remove=true must be specified");
        }

        var returnNew = context.GetBoolean("new", false);
        var upsert = context.GetBoolean("upsert", false);
        var bypass = context.GetBoolean("bypassDocumentValidation", false);
        if (remove && (returnNew || upsert))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
        }

        var fields = context.GetDocument("fields");
        var projection = fields is { IsEmpty: false } f ? Projection.Compile(f) : Projection.Identity;
        var spec = hasUpdate ? UpdateSpecification.Compile(update, UpdateCommand.ArrayFilters(context.Body)) : null;
        var time = context.Server.TimeProvider;
        var fill = spec?.Kind == UpdateSpecification.UpdateKind.Replacement && !EmptyTimestamps.Bypassed(context);
        var clock = context.Server.Clock;

        var (value, n, updatedExisting, upsertedId) = context.Server.Catalog.Write(ns, store =>
        {
            var candidates = QueryPlanner.Matching(store, filter);
            var target = sort.Fields.Count == 0
                ? candidates.FirstOrDefault()
                : candidates.OrderBy(s => s.Document, sort).FirstOrDefault();
            if (remove)
            {
                if (target is null)
                {
                    return ((RawDocument?)null, 0L, false, (RawBsonValue?)null);
                }

                store.Delete(target);
                return (target.Document, 1L, false, null);
            }

            if (target is null)
            {
                if (!upsert)
                {
                    return (null, 0L, false, null);
                }

                var document = spec!.BuildUpsert(filter, new UpdateContext(time));
                document = fill ? EmptyTimestamps.Fill(document, clock) : document;
                if (!bypass)
                {
                    store.Validation?.Check(document, null);
                }

                var inserted = store.Insert(document);
                return (returnNew ? inserted.Document : null, 1L, false, inserted.Id);
            }

            var updateContext = new UpdateContext(time) { PositionalIndex = filter.TryGetPositionalIndex(target.Document, out var p) ? p : null };
            var result = spec!.Apply(target.Document, updateContext);
            if (fill)
            {
                var filled = EmptyTimestamps.Fill(result.Document, clock);
                result = new UpdateResult(filled, result.Modified || !filled.Span.SequenceEqual(target.Document.Span));
            }

            if (result.Modified && !bypass)
            {
                store.Validation?.Check(result.Document, target.Document);
            }

            var after = result.Modified ? store.Replace(target, result.Document, spec.Kind == UpdateSpecification.UpdateKind.Replacement).Document : target.Document;
            return (returnNew ? after : target.Document, 1L, true, null);
        });

        context.Reply.StartDocument("lastErrorObject").Number("n", n);
        if (!remove)
        {
            context.Reply.Boolean("updatedExisting", updatedExisting);
        }

        if (upsertedId is { } id)
        {
            context.Reply.Value("upserted", id);
        }

        context.Reply.End();
        if (value is { } document)
        {
            context.Reply.Document("value", projection.IsIdentity ? document : projection.Apply(document));
        }
        else
        {
            context.Reply.Null("value");
        }
    }
}
