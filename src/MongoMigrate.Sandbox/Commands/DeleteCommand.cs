using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>delete: statements of {q, limit} (limit 1 deletes the first match, 0 all of them); replies n.</summary>
internal sealed class DeleteCommand : SyncCommandHandler
{
    public override string Name => "delete";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var statements = context.Documents("deletes");
        var ordered = context.GetBoolean("ordered", true);
        long deleted = 0;
        var errors = new List<WriteError>();
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                var statement = statements[i];
                CollationSupport.Check(statement);
                var filter = QueryFilter.Compile(UpdateCommand.Required(statement, "q"));
                var limit = statement.TryGetValue("limit", out var l) && l.TryGetInt64(out var n) ? n : 0;
                if (limit is not (0 or 1))
                {
                    throw new CommandException(ServerErrorCode.FailedToParse, $"The limit field in delete objects must be 0 or 1. Got {limit}");
                }

                deleted += context.Server.Catalog.Write(ns, store =>
                {
                    var targets = QueryPlanner.Matching(store, filter);
                    var list = limit == 1 ? targets.Take(1).ToList() : targets.ToList();
                    foreach (var target in list)
                    {
                        store.Delete(target);
                    }

                    return list.Count;
                });
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

        context.Reply.Number("n", deleted);
        WriteErrors.Write(context.Reply, errors);
    }
}
