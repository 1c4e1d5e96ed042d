using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

internal sealed class MatchStage(QueryFilter filter) : PipelineStage
{
    public override string Name => "$match";

    public QueryFilter Filter { get; } = filter;

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        foreach (var document in input)
        {
            if (Filter.Matches(document))
            {
                yield return document;
            }
        }
    }
}
