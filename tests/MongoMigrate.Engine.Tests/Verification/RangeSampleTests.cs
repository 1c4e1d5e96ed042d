using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Tests.Verification;

public sealed class RangeSampleTests
{
    [Theory]
    [InlineData(10, 1.0, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(10, 0.1, new[] { 5 })]
    [InlineData(10, 0.2, new[] { 2, 7 })]
    [InlineData(5, 0.1, new[] { 2 })]
    [InlineData(1, 0.01, new[] { 0 })]
    [InlineData(0, 0.5, new int[0])]
    public void A_sample_is_spread_over_the_ranges_each_in_the_middle_of_its_stretch(int count, double fraction, int[] expected) =>
        Assert.Equal(expected, RangeSample.Pick(count, fraction));

    [Fact]
    public void A_sample_holds_at_least_the_asked_share_and_never_the_same_range_twice()
    {
        for (var count = 1; count < 200; count++)
        {
            foreach (var fraction in new[] { 0.01, 0.1, 0.33, 0.5, 0.99 })
            {
                var picked = RangeSample.Pick(count, fraction);
                Assert.Equal((int)Math.Ceiling(count * fraction), picked.Count);
                Assert.Equal(picked.Count, picked.Distinct().Count());
                Assert.All(picked, i => Assert.InRange(i, 0, count - 1));
            }
        }
    }
}
