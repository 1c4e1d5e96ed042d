using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$project, $addFields/$set and $unset all run a projection on each document.</summary>
internal sealed class ProjectStage(string name, Projection projection) : PipelineStage
{
    public override string Name => name;

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        foreach (var document in input)
        {
            yield return projection.Apply(document);
        }
    }
}
