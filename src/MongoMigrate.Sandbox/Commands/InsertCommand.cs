using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>insert: stores documents as sent (top-level empty timestamps filled as mongod does, see <see cref="EmptyTimestamps"/>); ordered stops at the first error, unordered carries on.</summary>
internal sealed class InsertCommand : SyncCommandHandler
{
    public override string Name => "insert";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var documents = context.Documents("documents");
        var ordered = context.GetBoolean("ordered", true);
        var bypass = context.GetBoolean("bypassDocumentValidation", false);
        var keepEmptyTimestamps = EmptyTimestamps.Bypassed(context);
        var clock = context.Server.Clock;
        if (documents.Count > 100_000)
        {
            throw new CommandException(ServerErrorCode.InvalidLength, $"Write batch sizes must be between 1 and 100000. Got {documents.Count} operations.");
        }

        var errors = new List<WriteError>();
        var inserted = documents.Count == 0 ? 0 : context.Server.Catalog.Write(ns, store =>
        {
            var n = 0;
            for (var i = 0; i < documents.Count; i++)
            {
                try
                {
                    var document = keepEmptyTimestamps ? documents[i] : EmptyTimestamps.Fill(documents[i], clock);
                    if (!bypass)
                    {
                        store.Validation?.Check(document, null);
                    }

                    store.Insert(document);
                    n++;
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

            return n;
        });

        context.Reply.Int32("n", inserted);
        WriteErrors.Write(context.Reply, errors);
    }
}
