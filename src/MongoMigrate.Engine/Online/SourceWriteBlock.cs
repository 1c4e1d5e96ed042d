using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// setUserWriteBlockMode on the source (MongoDB 6.0+): while on, the server refuses every user write and DDL change,
/// so that nothing is written after the cutover's cluster time. Internal writes (the oplog's no-op notes) go on.
/// </summary>
public static class SourceWriteBlock
{
    /// <summary>Blocks user writes; returns null when blocked, or why the server refused (older server, missing privilege).</summary>
    public static async Task<string?> TryBlockAsync(IMongoClient source, CancellationToken cancellationToken)
    {
        try
        {
            await SetAsync(source, true, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (MongoCommandException refused)
        {
            return $"the source refused setUserWriteBlockMode ({refused.CodeName}: {ErrorText.FirstLine(refused.ErrorMessage)}), so writes were not blocked";
        }
    }

    /// <summary>Lets user writes through again.</summary>
    public static Task UnblockAsync(IMongoClient source, CancellationToken cancellationToken) => SetAsync(source, false, cancellationToken);

    /// <summary>Unblocks after a failed cutover; a failure is logged with the command that unblocks by hand.</summary>
    public static async Task UnblockOrLogAsync(IMongoClient source, ILogger logger)
    {
        try
        {
            await UnblockAsync(source, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MongoException e)
        {
            logger.LogError("Could not unblock writes on the source after a failed cutover: {Reason}. Run db.adminCommand({{setUserWriteBlockMode: 1, global: false}}) on it.", e.Message);
        }
    }

    private static async Task SetAsync(IMongoClient source, bool on, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(source.GetDatabase("admin"));
        await runner.RunAsync(SetUserWriteBlockModeCommand.Build(on), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a no-op note to the source's oplog: its change streams' resume point passes every cluster time read before,
    /// even when nothing else is written (a real server's own no-op comes only every 10 seconds). Refused, it is not needed.
    /// </summary>
    public static async Task NudgeAsync(IMongoClient source, CancellationToken cancellationToken)
    {
        try
        {
            var runner = new RawCommandRunner(source.GetDatabase("admin"));
            await runner.RunAsync(
                AppendOplogNoteCommand.Build("mongomigrate", "cutover"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException)
        {
            // Without the privilege the resume point advances with the server's own periodic no-op.
        }
    }
}
