using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The target's cluster time read at a cutover: where a later sync-back's change stream on the target starts. A target
/// without one (a standalone server) cannot be followed back, which must not stop the cutover itself.
/// </summary>
public static class SyncBackStart
{
    /// <summary>The target's operationTime (or $clusterTime) now, or null when it gives none or cannot be asked.</summary>
    public static async Task<ulong?> TryReadAsync(IMongoClient target, CancellationToken cancellationToken)
    {
        try
        {
            var runner = new RawCommandRunner(target.GetDatabase("admin"));
            var reply = await runner.RunAsync(PingCommand.Build(), cancellationToken).ConfigureAwait(false);
            return SourceClusterTime.Of(reply);
        }
        catch (MongoException)
        {
            return null;
        }
    }
}
