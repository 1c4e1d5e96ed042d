using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// expectError: isError, isClientError, isTimeoutError, errorContains, errorCode, errorCodeName,
/// errorLabelsContain/Omit, errorResponse, writeErrors, writeConcernErrors, and expectResult on the
/// partial result a bulk write error carries.
/// </summary>
public sealed class ErrorMatcher(ValueMatcher values)
{
    // Names the format uses with errorCodeName, for errors (write errors) whose driver type exposes only the number.
    private static readonly Dictionary<string, int> CodeNumbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["BadValue"] = 2,
        ["FailedToParse"] = 9,
        ["TypeMismatch"] = 14,
        ["NamespaceNotFound"] = 26,
        ["Interrupted"] = 11601,
        ["InvalidOptions"] = 72,
        ["CommandNotFound"] = 59,
        ["NamespaceExists"] = 48,
        ["CannotCreateIndex"] = 67,
        ["IndexNotFound"] = 27,
        ["ImmutableField"] = 66,
        ["DocumentValidationFailure"] = 121,
        ["DuplicateKey"] = 11000,
        ["MaxTimeMSExpired"] = 50,
        ["WriteConcernFailed"] = 64,
        ["UnknownReplWriteConcern"] = 79,
        ["InvalidNamespace"] = 73,
        ["NoSuchTransaction"] = 251,
        ["UnsatisfiableWriteConcern"] = 100,
        ["Location40414"] = 40414,
    };

    public void Match(BsonDocument expected, Exception? error, string path)
    {
        if (error is null)
        {
            throw new SpecificationAssertionException($"{path}: expected an error ({expected.ToJson()}), but the operation succeeded.");
        }

        var account = $"{error.GetType().Name}: {error.Message}";
        foreach (var assertion in expected)
        {
            switch (assertion.Name)
            {
                case "isError":
                    break;
                case "isClientError":
                    var isClient = error is not MongoServerException;
                    if (isClient != assertion.Value.AsBoolean)
                    {
                        throw Fail(path, assertion.Value.AsBoolean ? "a client-side error" : "a server error", account);
                    }

                    break;
                case "isTimeoutError":
                    var isTimeout = error is TimeoutException or MongoExecutionTimeoutException;
                    if (isTimeout != assertion.Value.AsBoolean)
                    {
                        throw Fail(path, assertion.Value.AsBoolean ? "a timeout error" : "an error other than a timeout", account);
                    }

                    break;
                case "errorContains":
                    var fragment = assertion.Value.AsString;
                    if (!Messages(error).Any(m => m.Contains(fragment, StringComparison.OrdinalIgnoreCase)))
                    {
                        throw Fail(path, $"an error message containing '{fragment}'", account);
                    }

                    break;
                case "errorCode":
                    var code = assertion.Value.ToInt32();
                    if (!Codes(error).Contains(code))
                    {
                        throw Fail(path, $"error code {code}", $"codes [{string.Join(", ", Codes(error))}] from {account}");
                    }

                    break;
                case "errorCodeName":
                    MatchCodeName(assertion.Value.AsString, error, path, account);
                    break;
                case "errorLabelsContain":
                    foreach (var label in assertion.Value.AsBsonArray.Select(v => v.AsString))
                    {
                        if (error is not MongoException mongo || !mongo.HasErrorLabel(label))
                        {
                            throw Fail(path, $"error label '{label}'", $"labels [{Labels(error)}] on {account}");
                        }
                    }

                    break;
                case "errorLabelsOmit":
                    foreach (var label in assertion.Value.AsBsonArray.Select(v => v.AsString))
                    {
                        if (error is MongoException mongo && mongo.HasErrorLabel(label))
                        {
                            throw Fail(path, $"no error label '{label}'", $"labels [{Labels(error)}] on {account}");
                        }
                    }

                    break;
                case "errorResponse":
                    var response = error switch
                    {
                        MongoCommandException command => command.Result,
                        _ => throw new UnsupportedSpecificationFeatureException($"{path}: errorResponse: the driver does not expose the server reply on a {error.GetType().Name}."),
                    };
                    values.Match(assertion.Value, response, isRoot: true, $"{path}.errorResponse");
                    break;
                case "expectResult":
                    values.Match(assertion.Value, PartialResult(error), isRoot: true, $"{path}.expectResult");
                    break;
                case "writeErrors":
                    MatchClientBulkWriteErrors(assertion.Value.AsBsonDocument, error, path);
                    break;
                case "writeConcernErrors":
                    MatchClientBulkWriteConcernErrors(assertion.Value.AsBsonArray, error, path);
                    break;
                default:
                    throw new UnsupportedSpecificationFeatureException($"expectError.{assertion.Name} is not supported by this runner.");
            }
        }
    }

    /// <summary>The result a bulk write error carries (writeResult / partialResult), as a document; null when there is none.</summary>
    public static BsonValue? PartialResult(Exception error) => error switch
    {
        MongoBulkWriteException<BsonDocument> bulk => ResultDocuments.FromBulkWrite(bulk.Result, bulk.WriteErrors.Select(e => e.Index)),
        ClientBulkWriteException { PartialResult: { } partial } => ResultDocuments.FromClientBulkWrite(partial),
        _ => null,
    };

    private void MatchClientBulkWriteErrors(BsonDocument expected, Exception error, string path)
    {
        if (error is not ClientBulkWriteException bulk)
        {
            throw Fail(path, "a client bulk write error with writeErrors", $"{error.GetType().Name}: {error.Message}");
        }

        var actual = new BsonDocument(bulk.WriteErrors.OrderBy(e => e.Key).Select(e => new BsonElement(
            e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new BsonDocument { { "code", e.Value.Code }, { "message", e.Value.Message }, { "details", e.Value.Details ?? new BsonDocument(), e.Value.Details is not null } })));
        if (actual.ElementCount != expected.ElementCount)
        {
            throw new SpecificationAssertionException($"{path}.writeErrors: expected {expected.ElementCount} write errors, got {actual.ToJson()}.");
        }

        foreach (var element in expected)
        {
            values.Match(element.Value, actual.GetValue(element.Name, null), isRoot: true, $"{path}.writeErrors.{element.Name}");
        }
    }

    private void MatchClientBulkWriteConcernErrors(BsonArray expected, Exception error, string path)
    {
        if (error is not ClientBulkWriteException bulk)
        {
            throw Fail(path, "a client bulk write error with writeConcernErrors", $"{error.GetType().Name}: {error.Message}");
        }

        var actual = new BsonArray(bulk.WriteConcernErrors.Select(e => new BsonDocument
        {
            { "code", e.Code }, { "codeName", e.CodeName ?? string.Empty }, { "message", e.Message ?? string.Empty },
        }));
        if (actual.Count != expected.Count)
        {
            throw new SpecificationAssertionException($"{path}.writeConcernErrors: expected {expected.Count}, got {actual.ToJson()}.");
        }

        for (var i = 0; i < expected.Count; i++)
        {
            values.Match(expected[i], actual[i], isRoot: true, $"{path}.writeConcernErrors[{i}]");
        }
    }

    private static void MatchCodeName(string name, Exception error, string path, string account)
    {
        var names = new List<string>();
        if (error is MongoCommandException command && command.CodeName is { } codeName)
        {
            names.Add(codeName);
        }

        if (error is MongoWriteConcernException { WriteConcernResult.Response: { } response } && response.TryGetValue("writeConcernError", out var wce)
            && wce.AsBsonDocument.TryGetValue("codeName", out var wceName))
        {
            names.Add(wceName.AsString);
        }

        if (names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        // Write errors carry only a code in the driver's model: translate the expected name.
        var codes = Codes(error).ToList();
        if (error is MongoWriteException or MongoBulkWriteException or ClientBulkWriteException && codes.Count > 0)
        {
            if (!CodeNumbers.TryGetValue(name, out var number))
            {
                throw new UnsupportedSpecificationFeatureException($"{path}: errorCodeName '{name}' cannot be compared with a write error's code; this runner does not know its number.");
            }

            if (codes.Contains(number))
            {
                return;
            }
        }

        throw Fail(path, $"error code name '{name}'", $"names [{string.Join(", ", names)}], codes [{string.Join(", ", codes)}] from {account}");
    }

    private static IEnumerable<int> Codes(Exception error)
    {
        switch (error)
        {
            case MongoCommandException command:
                yield return command.Code;
                break;
            case MongoWriteException write:
                if (write.WriteError is { } writeError)
                {
                    yield return writeError.Code;
                }

                if (write.WriteConcernError is { } concern)
                {
                    yield return concern.Code;
                }

                break;
            case MongoBulkWriteException bulk:
                foreach (var e in bulk.WriteErrors)
                {
                    yield return e.Code;
                }

                if (bulk.WriteConcernError is { } bulkConcern)
                {
                    yield return bulkConcern.Code;
                }

                break;
            case ClientBulkWriteException client:
                if (client.InnerException is MongoCommandException inner)
                {
                    yield return inner.Code;
                }

                break;
        }

        if (error is MongoServerException and not MongoCommandException and not MongoWriteException and not MongoBulkWriteException
            && error.InnerException is MongoCommandException wrapped)
        {
            yield return wrapped.Code;
        }
    }

    private static IEnumerable<string> Messages(Exception error)
    {
        yield return error.Message;
        switch (error)
        {
            case MongoWriteException { WriteError: { } writeError }:
                yield return writeError.Message;
                break;
            case MongoBulkWriteException bulk:
                foreach (var e in bulk.WriteErrors)
                {
                    yield return e.Message;
                }

                if (bulk.WriteConcernError is { } concern)
                {
                    yield return concern.Message;
                }

                break;
        }

        if (error.InnerException is { } inner)
        {
            yield return inner.Message;
        }
    }

    private static string Labels(Exception error) => error is MongoException mongo ? string.Join(", ", mongo.ErrorLabels) : string.Empty;

    private static SpecificationAssertionException Fail(string path, string expected, string actual) =>
        new($"{path}: expected {expected}, got {actual}.");
}
