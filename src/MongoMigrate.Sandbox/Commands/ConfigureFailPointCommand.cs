using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// configureFailPoint failCommand and failGetMoreAfterCursorCheckout, as a test server with
/// enableTestCommands offers them, so the same fault tests run against the sandbox and a real MongoDB.
/// </summary>
internal sealed class ConfigureFailPointCommand : SyncCommandHandler
{
    public override string Name => "configureFailPoint";

    protected override void Execute(CommandContext context)
    {
        var name = context.CommandValue.Type == BsonTypeCode.String ? context.CommandValue.AsString : string.Empty;
        if (name is not (FailPoint.FailCommand or FailPoint.FailGetMoreAfterCursorCheckout))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Cannot find failpoint: {name}");
        }

        if (!context.TryGet("mode", out var mode))
        {
            throw new CommandException(ServerErrorCode.BadValue, "Missing mode");
        }

        int? times = null;
        var skip = 0;
        if (mode.Type == BsonTypeCode.String)
        {
            switch (mode.AsString)
            {
                case "off":
                    context.Server.Faults.ClearFailPoints(name);
                    context.Reply.Int32("count", 0);
                    return;
                case "alwaysOn":
                    break;
                default:
                    throw new CommandException(ServerErrorCode.BadValue, $"unknown fail point mode: {mode.AsString}");
            }
        }
        else if (mode.Type == BsonTypeCode.Document)
        {
            var m = mode.AsDocument;
            if (m.TryGetValue("times", out var t) && t.TryGetInt64(out var n))
            {
                times = (int)n;
            }

            if (m.TryGetValue("skip", out var s) && s.TryGetInt64(out var k))
            {
                skip = (int)k;
                times ??= null;
            }
        }

        var data = context.GetDocument("data") ?? RawDocument.Empty;
        var commands = data.TryGetValue("failCommands", out var fc) && fc.Type == BsonTypeCode.Array
            ? fc.AsDocument.Values().Select(v => v.AsString).ToList()
            : [];
        var labels = data.TryGetValue("errorLabels", out var el) && el.Type == BsonTypeCode.Array
            ? el.AsDocument.Values().Select(v => v.AsString).ToList()
            : [];
        var block = data.TryGetValue("blockConnection", out var bc) && bc.IsTruthy
            && data.TryGetValue("blockTimeMS", out var bt) && bt.TryGetInt64(out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        context.Server.Faults.Add(new FailPoint
        {
            Name = name,
            Commands = commands,
            Times = times,
            Skip = skip,
            ErrorCode = data.TryGetValue("errorCode", out var code) && code.TryGetInt64(out var c) ? (int)c : 0,
            ErrorLabels = labels,
            CloseConnection = data.TryGetValue("closeConnection", out var close) && close.IsTruthy,
            Delay = block,
            AppName = data.TryGetValue("appName", out var app) && app.Type == BsonTypeCode.String ? app.AsString : null,
        });
        context.Reply.Int32("count", 0);
    }
}
