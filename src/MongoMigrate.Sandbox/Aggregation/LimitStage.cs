using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

internal sealed class LimitStage(long limit) : PipelineStage
{
    public override string Name => "$limit";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        var count = 0L;
        if (count >= limit)
        {
            yield break;
        }

        foreach (var document in input)
        {
            yield return document;
            if (++count >= limit)
            {
                yield break;
            }
        }
    }
}
