using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$sample: a uniform random subset, drawn with the pipeline's injected <see cref="Random"/>.</summary>
internal sealed class SampleStage(long size, Random random) : PipelineStage
{
    public override string Name => "$sample";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        var all = input.ToList();
        var take = (int)Math.Min(size, all.Count);
        for (var i = 0; i < take; i++)
        {
            var j = random.Next(i, all.Count);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all.GetRange(0, take);
    }
}
