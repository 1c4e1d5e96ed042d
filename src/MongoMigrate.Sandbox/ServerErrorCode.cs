namespace MongoMigrate.Sandbox;

/// <summary>MongoDB server error codes that the sandbox returns, with the names the server gives them.</summary>
public static class ServerErrorCode
{
    public const int InternalError = 1;
    public const int BadValue = 2;
    public const int NoSuchKey = 4;
    public const int FailedToParse = 9;
    public const int TypeMismatch = 14;
    public const int Overflow = 15;
    public const int InvalidLength = 16;
    public const int IllegalOperation = 20;
    public const int NamespaceNotFound = 26;
    public const int IndexNotFound = 27;
    public const int PathNotViable = 28;
    public const int ConflictingUpdateOperators = 40;
    public const int CursorNotFound = 43;
    public const int NamespaceExists = 48;
    public const int DollarPrefixedFieldName = 52;
    public const int InvalidIdField = 53;
    public const int NotSingleValueField = 54;
    public const int CommandNotFound = 59;
    public const int ImmutableField = 66;
    public const int CannotCreateIndex = 67;
    public const int IndexAlreadyExists = 68;
    public const int InvalidOptions = 72;
    public const int InvalidNamespace = 73;
    public const int IndexOptionsConflict = 85;
    public const int IndexKeySpecsConflict = 86;
    public const int HostUnreachable = 6;
    public const int NetworkTimeout = 89;
    public const int ShutdownInProgress = 91;
    public const int WriteConflict = 112;
    public const int CommandNotSupported = 115;
    public const int CommandNotSupportedOnView = 166;
    public const int MaxTimeMSExpired = 50;
    public const int Location15952 = 15952;
    public const int ChangeStreamFatalError = 280;
    public const int ChangeStreamHistoryLost = 286;
    public const int HostNotFound = 7;
    public const int NoMatchingDocument = 47;
    public const int NoReplicationEnabled = 76;
    public const int FailedToSatisfyReadPreference = 133;
    public const int StaleEpoch = 150;
    public const int PrimarySteppedDown = 189;
    public const int ElectionInProgress = 216;
    public const int RetryChangeStream = 234;
    public const int CursorKilled = 237;
    public const int InvalidResumeToken = 260;
    public const int ExceededTimeLimit = 262;
    public const int UserWritesBlocked = 371;
    public const int SocketException = 9001;
    public const int InterruptedAtShutdown = 11600;
    public const int InterruptedDueToReplStateChange = 11602;
    public const int NotPrimaryOrSecondary = 13436;
    public const int StaleConfig = 13388;

    /// <summary>$changeStream on a standalone: "The $changeStream stage is only supported on replica sets" (an assertion code, no name).</summary>
    public const int ChangeStreamRequiresReplicaSet = 40573;
    public const int NotWritablePrimary = 10107;
    public const int NotPrimaryNoSecondaryOk = 13435;
    public const int BsonObjectTooLarge = 10334;
    public const int DuplicateKey = 11000;

    /// <summary>collMod unique: true found documents that share a key.</summary>
    public const int CannotConvertIndexToUnique = 359;
    public const int Interrupted = 11601;
    public const int CannotApplyUpdate = 10140;
    public const int DocumentValidationFailure = 121;
    public const int Unauthorized = 13;
    public const int AuthenticationFailed = 18;
    public const int InvalidPipelineOperator = 168;
    public const int Location40324 = 40324;
    public const int EmptyFieldName = 56;
    public const int ConversionFailure = 241;
    public const int CannotIndexParallelArrays = 171;

    /// <summary>The server's name for a code, as returned in <c>codeName</c>.</summary>
    public static string NameOf(int code) => code switch
    {
        InternalError => "InternalError",
        BadValue => "BadValue",
        NoSuchKey => "NoSuchKey",
        FailedToParse => "FailedToParse",
        TypeMismatch => "TypeMismatch",
        Overflow => "Overflow",
        InvalidLength => "InvalidLength",
        IllegalOperation => "IllegalOperation",
        NamespaceNotFound => "NamespaceNotFound",
        IndexNotFound => "IndexNotFound",
        PathNotViable => "PathNotViable",
        ConflictingUpdateOperators => "ConflictingUpdateOperators",
        CursorNotFound => "CursorNotFound",
        NamespaceExists => "NamespaceExists",
        DollarPrefixedFieldName => "DollarPrefixedFieldName",
        InvalidIdField => "InvalidIdField",
        NotSingleValueField => "NotSingleValueField",
        CommandNotFound => "CommandNotFound",
        ImmutableField => "ImmutableField",
        CannotCreateIndex => "CannotCreateIndex",
        IndexAlreadyExists => "IndexAlreadyExists",
        InvalidOptions => "InvalidOptions",
        InvalidNamespace => "InvalidNamespace",
        IndexOptionsConflict => "IndexOptionsConflict",
        IndexKeySpecsConflict => "IndexKeySpecsConflict",
        HostUnreachable => "HostUnreachable",
        NetworkTimeout => "NetworkTimeout",
        ShutdownInProgress => "ShutdownInProgress",
        WriteConflict => "WriteConflict",
        CommandNotSupported => "CommandNotSupported",
        CommandNotSupportedOnView => "CommandNotSupportedOnView",
        MaxTimeMSExpired => "MaxTimeMSExpired",
        ChangeStreamFatalError => "ChangeStreamFatalError",
        ChangeStreamHistoryLost => "ChangeStreamHistoryLost",
        HostNotFound => "HostNotFound",
        NoMatchingDocument => "NoMatchingDocument",
        NoReplicationEnabled => "NoReplicationEnabled",
        FailedToSatisfyReadPreference => "FailedToSatisfyReadPreference",
        StaleEpoch => "StaleEpoch",
        PrimarySteppedDown => "PrimarySteppedDown",
        ElectionInProgress => "ElectionInProgress",
        RetryChangeStream => "RetryChangeStream",
        CursorKilled => "CursorKilled",
        InvalidResumeToken => "InvalidResumeToken",
        ExceededTimeLimit => "ExceededTimeLimit",
        UserWritesBlocked => "UserWritesBlocked",
        SocketException => "SocketException",
        InterruptedAtShutdown => "InterruptedAtShutdown",
        InterruptedDueToReplStateChange => "InterruptedDueToReplStateChange",
        NotPrimaryOrSecondary => "NotPrimaryOrSecondary",
        StaleConfig => "StaleConfig",
        NotWritablePrimary => "NotWritablePrimary",
        NotPrimaryNoSecondaryOk => "NotPrimaryNoSecondaryOk",
        BsonObjectTooLarge => "BSONObjectTooLarge",
        DuplicateKey => "DuplicateKey",
        CannotConvertIndexToUnique => "CannotConvertIndexToUnique",
        Interrupted => "Interrupted",
        DocumentValidationFailure => "DocumentValidationFailure",
        Unauthorized => "Unauthorized",
        AuthenticationFailed => "AuthenticationFailed",
        InvalidPipelineOperator => "InvalidPipelineOperator",
        EmptyFieldName => "EmptyFieldName",
        ConversionFailure => "ConversionFailure",
        CannotIndexParallelArrays => "CannotIndexParallelArrays",
        _ => "Location" + code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
