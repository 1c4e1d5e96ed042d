using Microsoft.Extensions.Logging;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Finds the handler for a command, applies programmed faults, and writes the reply or the error in the server's shape.</summary>
internal sealed class CommandDispatcher
{
    private readonly Dictionary<string, CommandHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ServerContext _server;

    public CommandDispatcher(ServerContext server, IEnumerable<CommandHandler> handlers)
    {
        _server = server;
        foreach (var handler in handlers)
        {
            _handlers.Add(handler.Name, handler);
            foreach (var alias in handler.Aliases)
            {
                _handlers.Add(alias, handler);
            }
        }
    }

    /// <summary>
    /// Runs a command and leaves the complete reply document in <paramref name="reply"/> from
    /// <paramref name="replyStart"/> on. Returns false when the connection must be closed without a reply.
    /// </summary>
    public async ValueTask<bool> DispatchAsync(
        ConnectionState connection,
        RawDocument body,
        Dictionary<string, List<RawDocument>>? sequences,
        BsonBuilder reply,
        int replyStart,
        CancellationToken cancellationToken)
    {
        var commandName = body.TryGetFirst(out var first) ? first.Name : string.Empty;
        try
        {
            var fault = _server.Faults.Match(commandName, connection.AppName, afterExecution: false);
            if (fault is not null && !await ApplyFaultAsync(fault, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (body.TryGetValue("autocommit"u8, out _))
            {
                // No transactions here: their commands are refused from the first one, so that no write a client
                // would abort is ever applied (commitTransaction and abortTransaction carry autocommit too).
                throw new CommandException(
                    ServerErrorCode.IllegalOperation,
                    "Transactions are not supported by the sandbox (an in-memory test server): run the operations without a transaction, or use a MongoDB replica set");
            }

            if (!_handlers.TryGetValue(commandName, out var handler))
            {
                throw new CommandException(ServerErrorCode.CommandNotFound, $"no such command: '{commandName}'");
            }

            reply.StartDocument();
            _server.Clock.BeginOperation();
            var context = new CommandContext(_server, connection, body, sequences, reply);
            _server.Statistics.CountCommand(handler.Name, body, sequences);
            await handler.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            reply.Double("ok", 1);
            AppendClusterTime(reply);
            reply.End();

            var after = _server.Faults.Match(commandName, connection.AppName, afterExecution: true);
            if (after is not null && !await ApplyFaultAsync(after, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            return true;
        }
        catch (CommandException e)
        {
            WriteError(reply, replyStart, e);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BsonFormatException e)
        {
            WriteError(reply, replyStart, ServerErrorCode.BadValue, e.Message, []);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException or OverflowException)
        {
            // A command shape the handlers did not anticipate: answer like the server would, keep the connection.
            _server.Logger.LogWarning(e, "Command {Command} failed unexpectedly", commandName);
            WriteError(reply, replyStart, ServerErrorCode.BadValue, $"{commandName}: {e.Message}", []);
            return true;
        }
    }

    private async ValueTask<bool> ApplyFaultAsync(FailPoint fault, CancellationToken cancellationToken)
    {
        if (fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay, _server.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (fault.CloseConnection)
        {
            return false;
        }

        if (fault.ErrorCode != 0)
        {
            throw new CommandException(fault.ErrorCode, $"Failing command via 'failCommand' failpoint") { Labels = fault.ErrorLabels };
        }

        return true;
    }

    /// <summary>Replaces whatever reply was begun after <paramref name="replyStart"/> with the error document for <paramref name="error"/>.</summary>
    public void WriteError(BsonBuilder reply, int replyStart, CommandException error) =>
        WriteError(reply, replyStart, error.Code, error.Message, error.Labels, error.Details);

    private void WriteError(BsonBuilder reply, int replyStart, int code, string message, IReadOnlyList<string> labels, RawDocument? details = null)
    {
        // Throw away whatever the handler had written; the reply starts over as an error document.
        reply.Truncate(replyStart);
        reply.StartDocument()
            .Double("ok", 0)
            .String("errmsg", message)
            .Int32("code", code)
            .String("codeName", ServerErrorCode.NameOf(code));
        foreach (var detail in details ?? RawDocument.Empty)
        {
            reply.Element(detail);
        }

        if (labels.Count > 0)
        {
            reply.StartArray("errorLabels");
            for (var i = 0; i < labels.Count; i++)
            {
                reply.String(BsonBuilder.Index(i), labels[i]);
            }

            reply.End();
        }

        // A NotPrimaryError carries the server's topologyVersion (mongod's appendErrorLabelsAndTopologyVersion);
        // a driver that already knows that version treats the error as stale instead of dropping the server.
        if (_server.IsReplicaSet && code is ServerErrorCode.NotWritablePrimary or ServerErrorCode.NotPrimaryNoSecondaryOk
            or ServerErrorCode.NotPrimaryOrSecondary or ServerErrorCode.PrimarySteppedDown or ServerErrorCode.InterruptedDueToReplStateChange)
        {
            reply.StartDocument("topologyVersion").ObjectId("processId", _server.ProcessId).Int64("counter", _server.TopologyCounter).End();
        }

        AppendClusterTime(reply);
        reply.End();
    }

    private void AppendClusterTime(BsonBuilder reply)
    {
        if (!_server.IsReplicaSet)
        {
            return;
        }

        // operationTime is the command's own last write (or the latest write, for a read); $clusterTime the newest time.
        var operationTime = _server.Clock.OperationTime;
        var clusterTime = Math.Max(_server.Clock.Current, operationTime);
        reply.StartDocument("$clusterTime")
            .Timestamp("clusterTime", clusterTime)
            .StartDocument("signature").Binary("hash", 0, new byte[20]).Int64("keyId", 0).End()
            .End()
            .Timestamp("operationTime", operationTime);
    }
}
