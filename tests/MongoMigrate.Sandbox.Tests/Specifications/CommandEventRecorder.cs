using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>One command monitoring event as a test observes it.</summary>
public sealed record RecordedCommandEvent(
    string Kind,
    string CommandName,
    string DatabaseName,
    int RequestId,
    BsonDocument? Command,
    BsonDocument? Reply,
    Exception? Failure,
    ObjectId? ServiceId,
    long? ServerConnectionId)
{
    public const string Started = "commandStartedEvent";
    public const string Succeeded = "commandSucceededEvent";
    public const string Failed = "commandFailedEvent";

    /// <summary>A one-line account for failure messages: the command as sent, or the reply as received.</summary>
    public string Describe(int maxLength = 600)
    {
        var body = Kind switch
        {
            Started => Command?.ToJson(),
            Succeeded => Reply?.ToJson(),
            _ => Reply?.ToJson() ?? $"{Failure?.GetType().Name}: {Failure?.Message}",
        } ?? string.Empty;
        if (body.Length > maxLength)
        {
            body = body[..maxLength] + "...";
        }

        var arrow = Kind == Started ? "->" : "<-";
        return $"{arrow} {CommandName} on {DatabaseName}: {body}";
    }
}

/// <summary>
/// Collects a client's command monitoring events: the ones the test observes (observeEvents, less the
/// ignored and sensitive commands), and, for failure messages, a transcript of every command and reply.
/// </summary>
public sealed class CommandEventRecorder
{
    // Commands the Command Logging and Monitoring spec calls sensitive; their events are redacted by the
    // driver and ignored by the runner unless observeSensitiveCommands is true.
    private static readonly HashSet<string> SensitiveCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "authenticate", "saslStart", "saslContinue", "getnonce", "createUser", "updateUser",
        "copydbgetnonce", "copydbsaslstart", "copydb",
    };

    private readonly Lock _lock = new();
    private readonly HashSet<string> _observedKinds;
    private readonly HashSet<string> _ignoredCommands;
    private readonly bool _observeSensitiveCommands;
    private readonly HashSet<int> _ignoredRequests = [];
    private readonly List<RecordedCommandEvent> _observed = [];
    private readonly List<RecordedCommandEvent> _transcript = [];
    private bool _stopped;

    public CommandEventRecorder(IEnumerable<string> observedKinds, IEnumerable<string> ignoredCommands, bool observeSensitiveCommands)
    {
        _observedKinds = [.. observedKinds];
        _ignoredCommands = new HashSet<string>(ignoredCommands, StringComparer.Ordinal) { "configureFailPoint" };
        _observeSensitiveCommands = observeSensitiveCommands;
    }

    /// <summary>The observed events, in the order the driver published them.</summary>
    public IReadOnlyList<RecordedCommandEvent> Observed
    {
        get
        {
            lock (_lock)
            {
                return [.. _observed];
            }
        }
    }

    /// <summary>Every command and reply (including ignored ones), for explaining a failure.</summary>
    public IReadOnlyList<RecordedCommandEvent> Transcript
    {
        get
        {
            lock (_lock)
            {
                return [.. _transcript];
            }
        }
    }

    /// <summary>Stops observing; the format disables listeners before it checks expectEvents.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
        }
    }

    public void OnStarted(CommandStartedEvent e)
    {
        var ignored = IsIgnored(e.CommandName, e.Command);
        Record(
            new RecordedCommandEvent(RecordedCommandEvent.Started, e.CommandName, e.DatabaseNamespace.DatabaseName, e.RequestId,
                Materialize(e.Command), null, null, e.ServiceId, e.ConnectionId?.LongServerValue),
            ignored);
    }

    public void OnSucceeded(CommandSucceededEvent e) =>
        Record(
            new RecordedCommandEvent(RecordedCommandEvent.Succeeded, e.CommandName, e.DatabaseNamespace?.DatabaseName ?? string.Empty, e.RequestId,
                null, Materialize(e.Reply), null, e.ServiceId, e.ConnectionId?.LongServerValue),
            ignored: null);

    public void OnFailed(CommandFailedEvent e) =>
        Record(
            new RecordedCommandEvent(RecordedCommandEvent.Failed, e.CommandName, e.DatabaseNamespace?.DatabaseName ?? string.Empty, e.RequestId,
                null, e.Failure is MongoCommandException { Result: { } reply } ? Materialize(reply) : null, e.Failure, e.ServiceId, e.ConnectionId?.LongServerValue),
            ignored: null);

    // The driver's documents may be raw buffers it disposes once the command completes.
    private static BsonDocument? Materialize(BsonDocument? document) =>
        document is null ? null : BsonSerializer.Deserialize<BsonDocument>(document.ToBson());

    private bool IsIgnored(string commandName, BsonDocument? command) =>
        _ignoredCommands.Contains(commandName) || IsHandshake(commandName, command) || IsSensitive(commandName, command);

    // The driver publishes the hello that opens each pooled connection; it carries the client
    // metadata, which no later hello does. Connection setup is not an operation of the test.
    private static bool IsHandshake(string commandName, BsonDocument? command) =>
        commandName is "hello" or "isMaster" or "ismaster" && command is not null && command.Contains("client");

    private bool IsSensitive(string commandName, BsonDocument? command)
    {
        if (_observeSensitiveCommands)
        {
            return false;
        }

        if (SensitiveCommands.Contains(commandName))
        {
            return true;
        }

        // hello is sensitive when it carries speculativeAuthenticate; the driver then redacts it to {}.
        return commandName is "hello" or "isMaster" or "ismaster"
            && (command is null || command.ElementCount == 0 || command.Contains("speculativeAuthenticate"));
    }

    // ignored: true/false for a started event; null for a reply, which follows its started event.
    private void Record(RecordedCommandEvent recorded, bool? ignored)
    {
        lock (_lock)
        {
            _transcript.Add(recorded);
            if (ignored is { } startIgnored)
            {
                if (startIgnored)
                {
                    _ignoredRequests.Add(recorded.RequestId);
                }
            }
            else if (_ignoredRequests.Remove(recorded.RequestId))
            {
                ignored = true;
            }

            if (_stopped || ignored == true || !_observedKinds.Contains(recorded.Kind))
            {
                return;
            }

            _observed.Add(recorded);
        }
    }
}
