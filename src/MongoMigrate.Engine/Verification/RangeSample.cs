namespace MongoMigrate.Engine.Verification;

/// <summary>
/// Which of a collection's _id ranges a sampled verification compares: a share of them, at least one, all of them for a
/// share of 1, spread evenly over the collection with each one in the middle of its stretch (the first range of numeric
/// _ids holds only NaN, usually nothing, and is not what a sample of one should read). The same count and share always
/// give the same ranges, so a resumed run compares the sample its earlier run started.
/// </summary>
public static class RangeSample
{
    /// <summary>The indexes, in order, of the ranges to compare out of <paramref name="count"/>.</summary>
    public static IReadOnlyList<int> Pick(int count, double fraction)
    {
        if (fraction >= 1 || count <= 1)
        {
            return [.. Enumerable.Range(0, Math.Max(count, 0))];
        }

        var wanted = Math.Max(1, (int)Math.Ceiling(count * fraction));
        return [.. Enumerable.Range(0, wanted).Select(i => (int)(((2L * i) + 1) * count / (2L * wanted))).Distinct()];
    }
}
