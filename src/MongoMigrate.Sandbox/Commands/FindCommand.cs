using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Cursors;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// find: filter, sort, projection, skip, limit, batchSize, singleBatch. Unsorted and _id-sorted finds
/// stream through the _id index batch by batch; other sorts are computed in full first. min, max, returnKey and
/// showRecordId go through <see cref="KeyedFind"/>; tailable (and awaitData) cursors on capped collections tail them.
/// </summary>
internal sealed class FindCommand : CommandHandler
{
    public override string Name => "find";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        CollationSupport.Check(context.Body);
        var ns = context.CollectionNamespace();
        var limit = context.GetInt64("limit") ?? 0;
        var skip = context.GetInt64("skip") ?? 0;
        if (skip < 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Skip value must be non-negative, but received: {skip}");
        }

        var singleBatch = context.GetBoolean("singleBatch", false) || limit < 0;
        var batchSize = context.GetInt32("batchSize");
        if (batchSize < 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"BatchSize value must be non-negative, but received: {batchSize}");
        }

        var filter = DocumentFilter.Compile(context.GetDocument("filter"));
        var sortDocument = context.GetDocument("sort") ?? RawDocument.Empty;
        var sort = SortSpecification.Compile(sortDocument);
        var projectionDocument = context.GetDocument("projection");
        var projection = projectionDocument is { IsEmpty: false } p ? Projection.Compile(p) : Projection.Identity;
        CheckHint(context, ns);
        var tailable = context.GetBoolean("tailable", false);
        if (context.GetBoolean("awaitData", false) && !tailable)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "Cannot set 'awaitData' without also setting 'tailable'");
        }

        if (tailable)
        {
            await TailAsync(context, ns, filter, projection, sortDocument, batchSize, cancellationToken).ConfigureAwait(false);
            return;
        }

        ServerCursor cursor;
        if (UsesIndexKeys(context))
        {
            var results = context.Server.Catalog.Read(ns, store =>
            {
                var keyed = KeyedFind.Parse(context, store)!;
                if (store is null)
                {
                    return [];
                }

                var selected = keyed.Select(QueryPlanner.Matching(store, filter));
                IEnumerable<StoredDocument> window = (sort.IsEmpty ? selected : selected.OrderBy(d => d.Document, sort)).Skip((int)Math.Min(skip, int.MaxValue));
                if (limit != 0)
                {
                    window = window.Take((int)Math.Min(Math.Abs(limit), int.MaxValue));
                }

                return window.Select(d => keyed.Output(d, projection.IsIdentity ? static x => x : projection.Apply)).ToList();
            });
            cursor = new ListCursor(ns, results);
        }
        else if (ns is { Database: OplogView.Database, Collection: OplogView.Collection } && context.Server.Catalog.Find(ns) is null)
        {
            var entries = OplogView.Entries(context.Server.ChangeLog).Where(filter.Matches);
            entries = sort.IsNatural ? (sort.NaturalDirection < 0 ? entries.Reverse() : entries) : sort.Sort(entries);
            IEnumerable<RawDocument> window = entries.Skip((int)Math.Min(skip, int.MaxValue));
            if (limit != 0)
            {
                window = window.Take((int)Math.Min(Math.Abs(limit), int.MaxValue));
            }

            cursor = new ListCursor(ns, projection.IsIdentity ? window.ToList() : window.Select(projection.Apply).ToList());
        }
        else if (ViewReads.Documents(context.Server, ns) is { } viewed)
        {
            IEnumerable<RawDocument> window = sort.Sort(viewed.Where(filter.Matches)).Skip((int)Math.Min(skip, int.MaxValue));
            if (limit != 0)
            {
                window = window.Take((int)Math.Min(Math.Abs(limit), int.MaxValue));
            }

            cursor = new ListCursor(ns, projection.IsIdentity ? window.ToList() : window.Select(projection.Apply).ToList());
        }
        else if (StreamsInIdOrder(sortDocument, out var descending, out var natural))
        {
            var plan = new ScanPlan
            {
                Matches = filter.Matches,
                Project = projection.IsIdentity ? static d => d : projection.Apply,
                Skip = skip,
                Limit = Math.Abs(limit),
                Descending = descending,
                NaturalOrder = natural,
            }.WithIdBounds(filter);
            cursor = new CollectionScanCursor(context.Server.Catalog, ns, plan);
        }
        else
        {
            var results = context.Server.Catalog.Read(ns, store =>
            {
                if (store is null)
                {
                    return [];
                }

                var matched = sort.Sort(QueryPlanner.Matching(store, filter).Select(s => s.Document));
                IEnumerable<RawDocument> window = matched.Skip((int)Math.Min(skip, int.MaxValue));
                if (limit != 0)
                {
                    window = window.Take((int)Math.Min(Math.Abs(limit), int.MaxValue));
                }

                return projection.IsIdentity ? window.ToList() : window.Select(projection.Apply).ToList();
            });
            cursor = new ListCursor(ns, results);
        }

        if (singleBatch)
        {
            var first = limit != 0 ? (int)Math.Min(Math.Abs(limit), int.MaxValue) : (int?)null;
            var batch = await cursor.NextBatchAsync(BatchLimits.FirstBatch(batchSize ?? first), cancellationToken).ConfigureAwait(false);
            CursorReply.Write(context.Reply, "firstBatch", batch, 0, ns);
            return;
        }

        await CursorReply.WriteFirstBatchAsync(context, cursor, batchSize, cancellationToken).ConfigureAwait(false);
    }

    private static bool UsesIndexKeys(CommandContext context) =>
        context.TryGet("min", out _) || context.TryGet("max", out _) || context.GetBoolean("returnKey", false) || context.GetBoolean("showRecordId", false);

    /// <summary>
    /// A tailable find, as mongod 7.0 plans one: only on a capped collection, in natural order; the cursor stays open
    /// at the end of the collection unless the collection holds no documents at all.
    /// </summary>
    private static async ValueTask TailAsync(CommandContext context, Namespace ns, QueryFilter filter, Projection projection, RawDocument sort, int? batchSize, CancellationToken cancellationToken)
    {
        var (capped, empty) = context.Server.Catalog.Read(ns, store => (store is null || store.IsCapped, store is null || store.Count == 0));
        if (!capped)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"error processing query: ns={ns.FullName} tailable cursor requested on non capped collection");
        }

        if (!sort.IsEmpty && !(StreamsInIdOrder(sort, out var descending, out var natural) && natural && !descending))
        {
            throw new CommandException(ServerErrorCode.BadValue, "error processing query: cannot use tailable option with a sort other than {$natural: 1}");
        }

        if (context.GetBoolean("singleBatch", false))
        {
            throw new CommandException(ServerErrorCode.BadValue, "cannot use tailable option with the 'singleBatch' option");
        }

        var cursor = new TailableCursor(context.Server, ns, filter.Matches, projection.IsIdentity ? static d => d : projection.Apply, context.GetBoolean("awaitData", false));
        if (empty)
        {
            var batch = await cursor.NextBatchAsync(BatchLimits.FirstBatch(batchSize), cancellationToken).ConfigureAwait(false);
            CursorReply.Write(context.Reply, "firstBatch", batch, 0, ns);
            return;
        }

        await CursorReply.WriteFirstBatchAsync(context, cursor, batchSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>No sort, {_id: ±1} or {$natural: ±1}: the index order is the answer.</summary>
    private static bool StreamsInIdOrder(RawDocument sort, out bool descending, out bool natural)
    {
        descending = false;
        natural = sort.IsEmpty;
        if (sort.IsEmpty)
        {
            return true;
        }

        if (sort.Count() != 1 || !sort.TryGetFirst(out var only) || !only.Value.IsNumeric)
        {
            return false;
        }

        descending = NumberValue.From(only.Value).Sign < 0;
        if (only.NameEquals("$natural"u8))
        {
            natural = !descending;
            return true;
        }

        return only.NameEquals("_id"u8);
    }

    /// <summary>A hint must name an existing index, by name or key pattern, as on the server.</summary>
    private static void CheckHint(CommandContext context, Namespace ns)
    {
        if (!context.TryGet("hint", out var hint) || hint.IsNullOrUndefined)
        {
            return;
        }

        var exists = context.Server.Catalog.Read(ns, store =>
        {
            if (store is null)
            {
                return true;
            }

            return hint.Type switch
            {
                BsonTypeCode.String => store.Indexes.Any(i => i.Name == hint.AsString),
                BsonTypeCode.Document => hint.AsDocument.IsEmpty || hint.AsDocument.Contains("$natural") || store.Indexes.Any(i => BsonOrder.CompareDocuments(i.KeyPattern, hint.AsDocument) == 0),
                _ => true,
            };
        });
        if (!exists)
        {
            throw new CommandException(ServerErrorCode.BadValue, "error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index");
        }
    }
}
