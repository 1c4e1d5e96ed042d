using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// expectEvents: for each client, the observed command events must match the expected ones in number
/// and order (extra trailing events allowed only with ignoreExtraEvents); command and reply documents
/// match as root-level documents.
/// </summary>
public sealed class EventMatcher(EntityMap entities, ValueMatcher values)
{
    public void Match(BsonArray expectEvents, string path)
    {
        foreach (var forClient in expectEvents.Select(e => e.AsBsonDocument))
        {
            var clientId = forClient["client"].AsString;
            var eventType = forClient.GetValue("eventType", "command").AsString;
            if (eventType != "command")
            {
                throw new UnsupportedSpecificationFeatureException($"expectEvents eventType '{eventType}': this runner observes command monitoring events only.");
            }

            var expected = forClient["events"].AsBsonArray.Select(e => e.AsBsonDocument).ToList();
            var ignoreExtra = forClient.GetValue("ignoreExtraEvents", false).ToBoolean();
            var observed = entities.Client(clientId).Events.Observed;
            var clientPath = $"{path}[{clientId}]";
            if (observed.Count < expected.Count || (!ignoreExtra && observed.Count > expected.Count))
            {
                throw new SpecificationAssertionException(
                    $"{clientPath}: expected {expected.Count} event(s){(ignoreExtra ? " or more" : string.Empty)}, observed {observed.Count}:{Environment.NewLine}"
                    + "  expected: " + string.Join(", ", expected.Select(e => $"{e.GetElement(0).Name} {e[0].AsBsonDocument.GetValue("commandName", "?")}")) + Environment.NewLine
                    + "  observed: " + string.Join(Environment.NewLine + "            ", observed.Select(e => $"{e.Kind} {e.Describe(300)}")));
            }

            for (var i = 0; i < expected.Count; i++)
            {
                MatchEvent(expected[i], observed[i], $"{clientPath}.events[{i}]");
            }
        }
    }

    private void MatchEvent(BsonDocument expected, RecordedCommandEvent actual, string path)
    {
        var kind = expected.GetElement(0).Name;
        if (kind != actual.Kind)
        {
            throw new SpecificationAssertionException($"{path}: expected a {kind}, observed a {actual.Kind} ({actual.Describe()}).");
        }

        foreach (var assertion in expected[0].AsBsonDocument)
        {
            var assertionPath = $"{path}.{assertion.Name}";
            switch (assertion.Name)
            {
                case "command":
                    values.Match(assertion.Value, actual.Command ?? new BsonDocument(), isRoot: true, assertionPath);
                    break;
                case "reply":
                    values.Match(assertion.Value, actual.Reply ?? new BsonDocument(), isRoot: true, assertionPath);
                    break;
                case "commandName":
                    Require(actual.CommandName == assertion.Value.AsString, assertionPath, assertion.Value.AsString, actual.CommandName);
                    break;
                case "databaseName":
                    Require(actual.DatabaseName == assertion.Value.AsString, assertionPath, assertion.Value.AsString, actual.DatabaseName);
                    break;
                case "hasServiceId":
                    var hasServiceId = actual.ServiceId is { } id && id != ObjectId.Empty;
                    Require(hasServiceId == assertion.Value.AsBoolean, assertionPath, assertion.Value.ToString()!, actual.ServiceId?.ToString() ?? "none");
                    break;
                case "hasServerConnectionId":
                    var hasConnectionId = actual.ServerConnectionId is > 0;
                    Require(hasConnectionId == assertion.Value.AsBoolean, assertionPath, assertion.Value.ToString()!, actual.ServerConnectionId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
                    break;
                default:
                    throw new UnsupportedSpecificationFeatureException($"{kind}.{assertion.Name} is not supported by this runner.");
            }
        }
    }

    private static void Require(bool condition, string path, string expected, string actual)
    {
        if (!condition)
        {
            throw new SpecificationAssertionException($"{path}: expected {expected}, observed {actual}.");
        }
    }
}
