using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>distinct: the distinct values of a field (array elements counted one by one) among matching documents.</summary>
internal sealed class DistinctCommand : SyncCommandHandler
{
    public override string Name => "distinct";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var key = context.GetString("key") ?? throw new CommandException(ServerErrorCode.FailedToParse, "BSON field 'distinct.key' is missing but a required field");
        var filter = DocumentFilter.Compile(context.GetDocument("query"));
        var path = FieldPath.Parse(key);
        var seen = new HashSet<RawBsonValue>(BsonOrder.Instance);
        var values = new List<RawBsonValue>();
        context.Server.Catalog.Read(ns, store =>
        {
            if (store is null)
            {
                return 0;
            }

            foreach (var stored in QueryPlanner.Matching(store, filter))
            {
                foreach (var candidate in path.Candidates(stored.Document, traverseLeafArrays: false))
                {
                    if (candidate.Type == BsonTypeCode.Array)
                    {
                        foreach (var element in candidate.AsDocument)
                        {
                            Add(element.Value);
                        }
                    }
                    else
                    {
                        Add(candidate);
                    }
                }
            }

            return 0;
        });

        context.Reply.StartArray("values");
        for (var i = 0; i < values.Count; i++)
        {
            context.Reply.Value(BsonBuilder.Index(i), values[i]);
        }

        context.Reply.End();

        void Add(RawBsonValue value)
        {
            if (seen.Add(value))
            {
                values.Add(value);
            }
        }
    }
}
