using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$count: one document {name: n}, or nothing when the input is empty.</summary>
internal sealed class CountStage(string field) : PipelineStage
{
    public override string Name => "$count";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        var count = 0L;
        foreach (var _ in input)
        {
            count++;
        }

        if (count > 0)
        {
            yield return new BsonBuilder(32).StartDocument().Value(field, BsonValues.Integer(count)).End().ToDocument();
        }
    }
}
