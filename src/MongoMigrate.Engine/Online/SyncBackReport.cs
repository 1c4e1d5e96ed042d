using System.Globalization;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// A cutover's words for a sync-back: the follower that ran it calls the job's target its source, so its report is said
/// again the way round the user knows, "cut back at T: source equals target for N collections; lag 0".
/// </summary>
public static class SyncBackReport
{
    public static CutoverResult Reworded(CutoverResult result)
    {
        if (!result.CutOver)
        {
            var reason = result.Message.StartsWith("not cut over: ", StringComparison.Ordinal) ? result.Message["not cut over: ".Length..] : result.Message;
            return result with { Message = $"not cut back (in what follows the source is the job's target, followed back, and the target the job's source): {reason}" };
        }

        var rechecked = result.Rechecks is null ? string.Empty : "The continuous verification rechecked every change up to T: no mismatch. ";
        var repaired = result.Repaired > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{result.Repaired} document(s) still differed once their changes were applied and were copied again from the target by _id before the last check. ")
            : string.Empty;
        var writes = result.WritesBlocked
            ? "Writes on the target stay blocked (setUserWriteBlockMode): point the application at the source again; to write to the target again run db.adminCommand({setUserWriteBlockMode: 1, global: false}) on it."
            : $"Writes on the target were not blocked{(result.WriteBlockNote is { } note ? $" ({note.Replace("the source refused", "the target refused", StringComparison.Ordinal)})" : string.Empty)}: writes made on the target after T are not included.";
        return result with
        {
            Message = string.Create(CultureInfo.InvariantCulture, $"cut back at {CutoverResult.Describe(result.ClusterTime)}: source equals target for {result.Collections} collections; lag 0. {rechecked}{repaired}{writes}"),
            WriteBlockNote = result.WriteBlockNote?.Replace("the source refused", "the target refused", StringComparison.Ordinal),
        };
    }
}
