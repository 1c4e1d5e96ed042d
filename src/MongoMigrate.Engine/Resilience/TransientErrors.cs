using System.Collections.Frozen;
using MongoDB.Driver;

namespace MongoMigrate.Engine.Resilience;

/// <summary>
/// Decides whether an error is worth retrying: network failures, elections, shutdowns, timeouts and
/// anything the server labels retryable are; validation, authorization and bad input are not.
/// </summary>
public static class TransientErrors
{
    private static readonly FrozenSet<int> TransientCodes =
    [
        6, // HostUnreachable
        7, // HostNotFound
        43, // CursorNotFound: the chunk is read again from its start
        50, // MaxTimeMSExpired
        89, // NetworkTimeout
        91, // ShutdownInProgress
        112, // WriteConflict
        189, // PrimarySteppedDown
        234, // RetryChangeStream
        262, // ExceededTimeLimit
        9001, // SocketException
        10107, // NotWritablePrimary
        11600, // InterruptedAtShutdown
        11602, // InterruptedDueToReplStateChange
        13388, // StaleConfig
        13435, // NotPrimaryNoSecondaryOk
        13436, // NotPrimaryOrSecondary
        150, // StaleEpoch
        63, // StaleShardVersion
    ];

    private static readonly string[] TransientLabels = ["RetryableWriteError", "TransientTransactionError", "ResumableChangeStreamError", "NetworkError"];

    public static bool IsTransient(Exception error) => error switch
    {
        OperationCanceledException => false,
        MongoConnectionException => true,
        MongoExecutionTimeoutException => true,
        MongoNotPrimaryException => true,
        MongoNodeIsRecoveringException => true,
        MongoWriteConcernException => true,

        // The driver pauses a pool after a state-change error until it has found the server again.
        MongoConnectionPoolPausedException => true,
        MongoCommandException command => TransientCodes.Contains(command.Code) || HasLabel(command),
        MongoException mongo => HasLabel(mongo),
        TimeoutException => true,
        IOException io => !IsDiskFull(io),
        _ => false,
    };

    /// <summary>ENOSPC / ERROR_DISK_FULL: retrying does not free space.</summary>
    public static bool IsDiskFull(IOException error) =>
        error.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
        || error.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("disk full", StringComparison.OrdinalIgnoreCase);

    private static bool HasLabel(MongoException error) => TransientLabels.Any(error.HasErrorLabel);
}
