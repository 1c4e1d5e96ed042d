using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// getParameter on admin: the named parameters ({getParameter: 1, featureCompatibilityVersion: 1}), or all of them
/// ({getParameter: "*"}). The sandbox knows a few, with a 7.0 server's values; another name fails as mongod's does.
/// </summary>
internal sealed class GetParameterCommand : SyncCommandHandler
{
    private static readonly string[] Known =
        ["authenticationMechanisms", "featureCompatibilityVersion", "logLevel", "maxBSONDepth", "transactionLifetimeLimitSeconds"];

    public override string Name => "getParameter";

    protected override void Execute(CommandContext context)
    {
        AdminOnly.Require(context);
        var all = context.CommandValue.Type == BsonTypeCode.String && context.CommandValue.AsString == "*"
            || context.CommandValue.Type == BsonTypeCode.Document && context.CommandValue.AsDocument.TryGetValue("allParameters", out var allParameters) && allParameters.IsTruthy;
        var requested = new List<string>();
        foreach (var element in context.Body)
        {
            if (element.Name != "getParameter" && !GenericFields.Contains(element.Name))
            {
                requested.Add(element.Name);
            }
        }

        if (!all)
        {
            if (requested.Count == 0 || requested.Any(name => !Known.Contains(name)))
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, "no option found to get");
            }
        }

        foreach (var name in all ? Known : Known.Where(requested.Contains))
        {
            Write(context.Reply, name);
        }
    }

    private static void Write(BsonBuilder reply, string name)
    {
        switch (name)
        {
            case "authenticationMechanisms":
                reply.StartArray(name).String("0", "SCRAM-SHA-1").String("1", "SCRAM-SHA-256").End();
                break;
            case "featureCompatibilityVersion":
                reply.StartDocument(name).String("version", "7.0").End();
                break;
            case "logLevel":
                reply.Int32(name, 0);
                break;
            case "maxBSONDepth":
                reply.Int32(name, 200);
                break;
            default:
                reply.Int32(name, 60);
                break;
        }
    }
}
