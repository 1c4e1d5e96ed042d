using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// getClusterParameter on admin: "*", a name or a list of names. The sandbox has the one cluster
/// parameter a replica set's change streams read, changeStreamOptions, at its default (pre- and
/// post-images kept until the oplog drops them: expireAfterSeconds "off"); other names are refused.
/// </summary>
internal sealed class GetClusterParameterCommand : SyncCommandHandler
{
    private const string ChangeStreamOptions = "changeStreamOptions";

    public override string Name => "getClusterParameter";

    protected override void Execute(CommandContext context)
    {
        AdminOnly.Require(context);
        var value = context.CommandValue;
        var names = value.Type switch
        {
            BsonTypeCode.String when value.AsString == "*" => [ChangeStreamOptions],
            BsonTypeCode.String => [value.AsString],
            BsonTypeCode.Array => value.AsDocument.Values().Select(v => v.Type == BsonTypeCode.String ? v.AsString : throw context.WrongType(Name, v, "string")).ToList(),
            _ => throw context.WrongType(Name, value, "string or array"),
        };

        context.Reply.StartArray("clusterParameters");
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] != ChangeStreamOptions)
            {
                throw new CommandException(ServerErrorCode.NoSuchKey, $"Unknown Cluster Parameter {names[i]}; the sandbox has {ChangeStreamOptions} only.");
            }

            context.Reply.StartDocument(BsonBuilder.Index(i))
                .String("_id", ChangeStreamOptions)
                .Timestamp("clusterParameterTime", 0)
                .StartDocument("preAndPostImages").String("expireAfterSeconds", "off").End()
                .End();
        }

        context.Reply.End();
    }
}
