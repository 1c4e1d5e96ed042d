using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// explain of find, count, distinct, aggregate, update, delete and findAndModify, in the shape of mongod 7.0's classic
/// engine (explainVersion "1"): queryPlanner with the namespace, parsedQuery and a winning plan the sandbox really
/// follows (IDHACK for an _id equality, COLLSCAN otherwise, FETCH over IXSCAN when a hint names an index, EOF for a
/// missing collection), no rejected plans; executionStats counts what the query returns and examines.
/// </summary>
internal sealed class ExplainCommand : SyncCommandHandler
{
    private static readonly string[] Verbosities = ["queryPlanner", "executionStats", "allPlansExecution"];

    public override string Name => "explain";

    protected override void Execute(CommandContext context)
    {
        if (context.CommandValue.Type != BsonTypeCode.Document || !context.CommandValue.AsDocument.TryGetFirst(out var first))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "explain command requires a nested object");
        }

        var verbosity = context.GetString("verbosity") ?? "allPlansExecution";
        if (!Verbosities.Contains(verbosity))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, $"verbosity string must be one of {{'queryPlanner', 'executionStats', 'allPlansExecution'}}");
        }

        var inner = context.CommandValue.AsDocument;
        if (first.Value.Type != BsonTypeCode.String)
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"collection name has invalid type {first.Value.Type}");
        }

        CollationSupport.Check(inner);
        var ns = Namespace.Create(context.Database, first.Value.AsString);
        var filterDocument = FilterOf(first.Name, inner);
        var filter = QueryFilter.Compile(filterDocument);
        var hint = inner.TryGetValue("hint", out var h) ? h : default;
        var limit = inner.TryGetValue("limit", out var l) && l.TryGetInt64(out var n) ? Math.Abs(n) : 0;
        var reply = context.Reply;
        reply.String("explainVersion", "1");
        context.Server.Catalog.Read(ns, store =>
        {
            var plan = Plan(store, filterDocument, hint);
            reply.StartDocument("queryPlanner")
                .String("namespace", ns.FullName)
                .Boolean("indexFilterSet", false)
                .Document("parsedQuery", ParsedQuery(filterDocument))
                .Boolean("maxIndexedOrSolutionsReached", false)
                .Boolean("maxIndexedAndSolutionsReached", false)
                .Boolean("maxScansToExplodeReached", false)
                .Document("winningPlan", plan)
                .StartArray("rejectedPlans").End()
                .End();
            if (verbosity != "queryPlanner")
            {
                var examined = store?.Count ?? 0;
                var returned = store is null ? 0 : QueryPlanner.Matching(store, filter).LongCount();
                returned = limit > 0 ? Math.Min(limit, returned) : returned;
                reply.StartDocument("executionStats")
                    .Boolean("executionSuccess", true)
                    .Int64("nReturned", returned)
                    .Int64("executionTimeMillis", 0)
                    .Int64("totalKeysExamined", plan.TryGetValue("stage", out var stage) && stage.AsString == "COLLSCAN" ? 0 : returned)
                    .Int64("totalDocsExamined", plan.TryGetValue("stage", out var s) && s.AsString == "COLLSCAN" ? examined : returned)
                    .Document("executionStages", plan)
                    .End();
            }

            return true;
        });
        var host = context.Server.Address.Split(':');
        reply.Document("command", inner)
            .StartDocument("serverInfo")
            .String("host", host[0])
            .Int32("port", host.Length > 1 && int.TryParse(host[1], out var port) ? port : 27017)
            .String("version", BuildInfoCommand.Version)
            .String("gitVersion", "mongomigrate-sandbox")
            .End();
    }

    /// <summary>The filter the explained command runs: find/count's filter or query, the first update/delete statement's q, a leading $match.</summary>
    private static RawDocument FilterOf(string command, RawDocument inner)
    {
        RawBsonValue value;
        switch (command)
        {
            case "find" or "count" or "distinct" or "findAndModify" or "findandmodify":
                return (inner.TryGetValue("filter", out value) || inner.TryGetValue("query", out value)) && value.Type == BsonTypeCode.Document ? value.AsDocument : RawDocument.Empty;
            case "update" or "delete":
                var field = command == "update" ? "updates" : "deletes";
                return inner.TryGetValue(field, out value) && value.Type == BsonTypeCode.Array && value.AsDocument.TryGetFirst(out var statement)
                    && statement.Value.Type == BsonTypeCode.Document && statement.Value.AsDocument.TryGetValue("q", out var q) && q.Type == BsonTypeCode.Document
                    ? q.AsDocument
                    : RawDocument.Empty;
            case "aggregate":
                return inner.TryGetValue("pipeline", out value) && value.Type == BsonTypeCode.Array && value.AsDocument.TryGetFirst(out var stage)
                    && stage.Value.Type == BsonTypeCode.Document && stage.Value.AsDocument.TryGetValue("$match", out var match) && match.Type == BsonTypeCode.Document
                    ? match.AsDocument
                    : RawDocument.Empty;
            default:
                throw new CommandException(ServerErrorCode.CommandNotFound, $"Explain failed due to unknown command: {command}");
        }
    }

    private static RawDocument Plan(CollectionStore? store, RawDocument filter, RawBsonValue hint)
    {
        var builder = new BsonBuilder(256).StartDocument();
        if (store is null)
        {
            return builder.String("stage", "EOF").End().ToDocument();
        }

        var hinted = hint.Type switch
        {
            BsonTypeCode.String => store.Indexes.FirstOrDefault(i => i.Name == hint.AsString),
            BsonTypeCode.Document => store.Indexes.FirstOrDefault(i => BsonOrder.CompareDocuments(i.KeyPattern, hint.AsDocument) == 0),
            _ => null,
        };
        if (hinted is null && IsIdEquality(filter))
        {
            return builder.String("stage", "IDHACK").End().ToDocument();
        }

        if (hinted is null)
        {
            builder.String("stage", "COLLSCAN");
            if (!filter.IsEmpty)
            {
                builder.Document("filter", ParsedQuery(filter));
            }

            return builder.String("direction", "forward").End().ToDocument();
        }

        builder.String("stage", "FETCH");
        if (!filter.IsEmpty)
        {
            builder.Document("filter", ParsedQuery(filter));
        }

        return builder.StartDocument("inputStage")
            .String("stage", "IXSCAN")
            .Document("keyPattern", hinted.KeyPattern)
            .String("indexName", hinted.Name)
            .Boolean("isMultiKey", false)
            .Boolean("isUnique", hinted.Unique)
            .Boolean("isSparse", hinted.Sparse)
            .Boolean("isPartial", hinted.PartialFilter is not null)
            .Int32("indexVersion", 2)
            .String("direction", "forward")
            .End()
            .End().ToDocument();
    }

    private static bool IsIdEquality(RawDocument filter) =>
        filter.Count() == 1 && filter.TryGetValue("_id", out var id)
        && (id.Type != BsonTypeCode.Document || !id.AsDocument.TryGetFirst(out var op) || !op.Name.StartsWith('$'));

    /// <summary>The filter as the planner prints it: each plain field equality as {field: {$eq: value}}, several under $and.</summary>
    private static RawDocument ParsedQuery(RawDocument filter)
    {
        var parts = new List<RawDocument>();
        foreach (var element in filter)
        {
            var part = new BsonBuilder(64).StartDocument();
            var plain = !element.Name.StartsWith('$') && (element.Value.Type != BsonTypeCode.Document || !element.Value.AsDocument.TryGetFirst(out var op) || !op.Name.StartsWith('$'));
            if (plain)
            {
                part.StartDocument(element.Name).Value("$eq", element.Value).End();
            }
            else
            {
                part.Element(element);
            }

            parts.Add(part.End().ToDocument());
        }

        if (parts.Count == 1)
        {
            return parts[0];
        }

        var and = new BsonBuilder(256).StartDocument();
        if (parts.Count > 1)
        {
            and.StartArray("$and");
            for (var i = 0; i < parts.Count; i++)
            {
                and.Document(BsonBuilder.Index(i), parts[i]);
            }

            and.End();
        }

        return and.End().ToDocument();
    }
}
