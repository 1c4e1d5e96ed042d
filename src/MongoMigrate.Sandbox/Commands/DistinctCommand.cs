using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>distinct: the distinct values of a field (array elements counted one by one) among matching documents.</summary>
internal sealed class DistinctCommand : SyncCommandHandler
{
    public override string Name => "distinct";

    protected override void Execute(CommandContext context)
    {
        CollationSupport.Check(context.Body);
        var ns = context.CollectionNamespace();
        var key = context.GetString("key") ?? throw new CommandException(ServerErrorCode.FailedToParse, "BSON field 'distinct.key' is missing but a required field");
        var filter = DocumentFilter.Compile(context.GetDocument("query"));
        var path = FieldPath.Parse(key);
        var seen = new HashSet<RawBsonValue>(BsonOrder.Instance);
        var values = new List<RawBsonValue>();
        var viewed = ViewReads.Documents(context.Server, ns);
        context.Server.Catalog.Read(ns, store =>
        {
            if (store is null && viewed is null)
            {
                return 0;
            }

            var found = new List<RawBsonValue>();
            var documents = viewed?.Where(filter.Matches) ?? QueryPlanner.Matching(store!, filter).Select(s => s.Document);
            foreach (var document in documents)
            {
                found.Clear();
                path.CollectDistinctValues(document, found);
                foreach (var value in found)
                {
                    if (value.Type != BsonTypeCode.EndOfDocument && seen.Add(value))
                    {
                        values.Add(value);
                    }
                }
            }

            return 0;
        });

        // The server answers in index order: BSON order.
        values.Sort(BsonOrder.Instance);
        context.Reply.StartArray("values");
        for (var i = 0; i < values.Count; i++)
        {
            context.Reply.Value(BsonBuilder.Index(i), values[i]);
        }

        context.Reply.End();
    }
}
