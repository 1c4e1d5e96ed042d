using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$sort buffers its input: a sort cannot emit before it has seen everything.</summary>
internal sealed class SortStage(SortSpecification sort) : PipelineStage
{
    public override string Name => "$sort";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input) => sort.Sort(input);
}
