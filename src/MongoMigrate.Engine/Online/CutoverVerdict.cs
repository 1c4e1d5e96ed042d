using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Online;

/// <summary>What a cutover says when the continuous verification did not pass it.</summary>
internal static class CutoverVerdict
{
    private const int Named = 10;

    /// <summary>One line: not cut over, which documents differ (the first few, then a count) and what to do.</summary>
    public static string MismatchMessage(ulong at, IReadOnlyList<RecheckMismatch> mismatches, long unverifiedRanges)
    {
        var what = new List<string>();
        if (mismatches.Count > 0)
        {
            what.Add($"{mismatches.Count} document(s) still differ once every change to them was applied: "
                + string.Join("; ", mismatches.Take(Named).Select(m => $"{m.Namespace} {m.Description}"))
                + (mismatches.Count > Named ? $"; and {mismatches.Count - Named} more" : string.Empty));
        }

        if (unverifiedRanges > 0)
        {
            what.Add($"{unverifiedRanges} copied range(s) could not be compared (see the log)");
        }

        return $"not cut over: every change up to {CutoverResult.Describe(at)} is applied and rechecked by the continuous verification, but {string.Join(", and ", what)}. "
            + "The target is not called equal. Following goes on; find what else writes to the target (or repair those documents), then ask again: they are compared anew.";
    }
}
