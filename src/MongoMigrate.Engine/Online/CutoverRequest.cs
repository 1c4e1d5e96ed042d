namespace MongoMigrate.Engine.Online;

/// <summary>A request to cut over, from the live display's key, the `cutover` command or (later) the HTTP API.</summary>
/// <param name="BlockWrites">Block user writes on the source first (setUserWriteBlockMode), so that nothing is written after T.</param>
/// <param name="Timeout">The longest the cutover may take before it gives up (writes are then unblocked and following goes on); null for no limit.</param>
public sealed record CutoverRequest(bool BlockWrites = false, TimeSpan? Timeout = null);
