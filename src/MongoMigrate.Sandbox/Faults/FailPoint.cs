namespace MongoMigrate.Sandbox.Faults;

/// <summary>
/// A programmed failure, like the server's failCommand fail point: which commands it hits, how many
/// times, and what happens (an error with labels, a closed connection, a delay).
/// </summary>
public sealed record FailPoint
{
    /// <summary>The server's fail point for command failures: fires before (or after) a named command runs.</summary>
    public const string FailCommand = "failCommand";

    /// <summary>The server's fail point that fails a getMore once its cursor is checked out (errorCode only).</summary>
    public const string FailGetMoreAfterCursorCheckout = "failGetMoreAfterCursorCheckout";

    /// <summary>Which of the server's fail points this is: <see cref="FailCommand"/> or <see cref="FailGetMoreAfterCursorCheckout"/>.</summary>
    public string Name { get; init; } = FailCommand;

    /// <summary>Command names it applies to (case-sensitive, as sent); empty means every command except hello/isMaster.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>How many times it fires; null fires until cleared.</summary>
    public int? Times { get; init; } = 1;

    /// <summary>Matching commands to let through before firing.</summary>
    public int Skip { get; init; }

    /// <summary>The error code to return; 0 returns no error (useful with <see cref="Delay"/>).</summary>
    public int ErrorCode { get; init; }

    public IReadOnlyList<string> ErrorLabels { get; init; } = [];

    /// <summary>Close the connection instead of answering.</summary>
    public bool CloseConnection { get; init; }

    /// <summary>Hold the command this long before handling it.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Only commands from clients with this appName.</summary>
    public string? AppName { get; init; }

    /// <summary>Fail after executing the command instead of before (a write that succeeded but whose reply was lost).</summary>
    public bool AfterExecution { get; init; }
}
