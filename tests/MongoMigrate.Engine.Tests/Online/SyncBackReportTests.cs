using MongoMigrate.Engine.Online;

namespace MongoMigrate.Engine.Tests.Online;

/// <summary>The cutover back is said the way round the user knows: the source equals the target.</summary>
public sealed class SyncBackReportTests
{
    private const ulong At = (1_790_000_000UL << 32) | 3;

    [Fact]
    public void A_cutover_back_says_the_source_equals_the_target_and_what_happens_to_writes_on_the_target()
    {
        var result = SyncBackReport.Reworded(new CutoverResult { CutOver = true, ClusterTime = At, Collections = 3, Message = "cut over at ...: target equals source for 3 collections; lag 0." });

        Assert.Equal(
            $"cut back at {CutoverResult.Describe(At)}: source equals target for 3 collections; lag 0. Writes on the target were not blocked: writes made on the target after T are not included.",
            result.Message);
        Assert.True(result.CutOver);
    }

    [Fact]
    public void A_blocked_cutover_back_says_the_target_stays_blocked()
    {
        var result = SyncBackReport.Reworded(new CutoverResult { CutOver = true, ClusterTime = At, Collections = 1, WritesBlocked = true, Repaired = 2, Message = "cut over" });

        Assert.Contains("2 document(s) still differed", result.Message, StringComparison.Ordinal);
        Assert.Contains("Writes on the target stay blocked (setUserWriteBlockMode): point the application at the source again", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_cutover_back_says_not_cut_back_and_why()
    {
        var result = SyncBackReport.Reworded(new CutoverResult { CutOver = false, Message = "not cut over: 1 collection(s) differ." });

        Assert.StartsWith("not cut back (in what follows the source is the job's target", result.Message, StringComparison.Ordinal);
        Assert.EndsWith("1 collection(s) differ.", result.Message, StringComparison.Ordinal);
    }
}
