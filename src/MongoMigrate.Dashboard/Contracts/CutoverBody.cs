namespace MongoMigrate.Dashboard.Contracts;

/// <summary>How to cut over, as the `cutover` command's options: block the source's user writes first, and how long to wait for it.</summary>
/// <param name="BlockWrites">Block user writes on the source before reading T (they stay blocked after a successful cutover).</param>
/// <param name="TimeoutSeconds">Give up (and go on following) when the changes up to T are not applied and rechecked within this; null waits.</param>
public sealed record CutoverBody(bool BlockWrites = false, double? TimeoutSeconds = null);
