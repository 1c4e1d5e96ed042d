using System.Collections.Frozen;
namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>
/// The error labels a MongoDB 7.0 server puts on a change stream's failed aggregate or getMore
/// (ErrorLabelBuilder in the server's error_labels.cpp): NonResumableChangeStreamError for the codes of
/// that category (ChangeStreamFatalError, ChangeStreamHistoryLost), ResumableChangeStreamError for
/// retriable, network and retargeting errors, RetryChangeStream and FailedToSatisfyReadPreference.
/// </summary>
internal static class ChangeStreamErrorLabels
{
    public const string Resumable = "ResumableChangeStreamError";
    public const string NonResumable = "NonResumableChangeStreamError";

    // error_codes.yml: the RetriableError, NetworkError and NeedRetargettingError categories.
    private static readonly FrozenSet<int> ResumableCodes =
    [
        ServerErrorCode.HostUnreachable, ServerErrorCode.HostNotFound, ServerErrorCode.NetworkTimeout,
        ServerErrorCode.ShutdownInProgress, 134 /* ReadConcernMajorityNotAvailableYet */, ServerErrorCode.PrimarySteppedDown,
        ServerErrorCode.ExceededTimeLimit, ServerErrorCode.SocketException, ServerErrorCode.NotWritablePrimary,
        ServerErrorCode.InterruptedAtShutdown, ServerErrorCode.InterruptedDueToReplStateChange,
        ServerErrorCode.NotPrimaryNoSecondaryOk, ServerErrorCode.NotPrimaryOrSecondary,
        317 /* ConnectionPoolExpired */, 358 /* InternalTransactionNotSupported */, 384 /* ConnectionError */,
        ServerErrorCode.StaleEpoch, ServerErrorCode.StaleConfig,
        ServerErrorCode.RetryChangeStream, ServerErrorCode.FailedToSatisfyReadPreference,
    ];

    /// <summary>The error as the server reports it for a change stream command; labels already set are kept.</summary>
    public static CommandException Apply(CommandException error)
    {
        if (error.Labels.Count > 0)
        {
            return error;
        }

        var label = error.Code is ServerErrorCode.ChangeStreamFatalError or ServerErrorCode.ChangeStreamHistoryLost ? NonResumable
            : ResumableCodes.Contains(error.Code) ? Resumable
            : null;
        return label is null ? error : new CommandException(error.Code, error.Message) { Labels = [label] };
    }
}
