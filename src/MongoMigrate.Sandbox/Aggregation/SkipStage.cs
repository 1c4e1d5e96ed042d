using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

internal sealed class SkipStage(long skip) : PipelineStage
{
    public override string Name => "$skip";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        var count = 0L;
        foreach (var document in input)
        {
            if (count++ >= skip)
            {
                yield return document;
            }
        }
    }
}
