using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>create: a collection (optionally capped, with validator, collation...), a view (viewOn + pipeline) or a time-series collection.</summary>
internal sealed class CreateCommand : SyncCommandHandler
{
    public override string Name => "create";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var options = new BsonBuilder().StartDocument();
        var kind = CollectionKind.Collection;
        foreach (var element in context.Body)
        {
            var name = element.Name;
            if (name == "create" || GenericFields.Contains(name))
            {
                continue;
            }

            if (name == "viewOn")
            {
                kind = CollectionKind.View;
            }
            else if (name == "timeseries")
            {
                kind = CollectionKind.TimeSeries;
            }
            else if (name == "capped" && element.Value.IsTruthy && !context.Body.Contains("size"))
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, "the 'size' field is required when 'capped' is true");
            }

            options.Element(element);
        }

        context.Server.Catalog.Create(ns, options.End().ToDocument(), kind);
    }
}
