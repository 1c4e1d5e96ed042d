using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class WorkerCountHelperTests
{
    [Theory]
    [InlineData(4, 8, 16, true, true)]
    [InlineData(4, 4, 16, true, false)]
    [InlineData(4, 0, 16, true, true)]
    [InlineData(4, 16, 16, true, true)]
    [InlineData(4, 17, 16, false, false)]
    [InlineData(4, -1, 16, false, false)]
    public void ValidateWorkerCount_accepts_zero_to_the_maximum(int current, int requested, int max, bool valid, bool change)
    {
        var validation = WorkerCountHelper.ValidateWorkerCount(current, requested, max);

        Assert.Equal(valid, validation.IsValid);
        Assert.Equal(change, validation.IsChange);
        Assert.Equal(requested - current, validation.Delta);
        Assert.Equal(valid, validation.Error is null);
    }

    [Fact]
    public void ValidateWorkerCount_says_why_a_count_is_refused()
    {
        var validation = WorkerCountHelper.ValidateWorkerCount(4, 20, 16);

        Assert.Equal("The worker count must be at most 16, not 20.", validation.Error);
    }

    [Theory]
    [InlineData(0, 8, 0)]
    [InlineData(3, 8, 3)]
    [InlineData(100, 8, 8)]
    [InlineData(5, 0, 0)]
    public void CalculateOptimalConcurrency_never_exceeds_the_chunks_or_the_maximum(int chunks, int max, int expected) =>
        Assert.Equal(expected, WorkerCountHelper.CalculateOptimalConcurrency(chunks, max));

    [Fact]
    public void Adjusting_a_pool_of_the_other_kind_is_refused()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, 2);

        Assert.Throws<ArgumentException>(() => WorkerCountHelper.AdjustDumpWorkers(pool, 3));
        var adjustment = WorkerCountHelper.AdjustRestoreWorkers(pool, 3);

        Assert.Equal(new WorkerAdjustment("job", WorkerPoolKind.Restore, 2, 3, 0), adjustment);
    }
}
