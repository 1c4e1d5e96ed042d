using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$facet: one output document with, under each name, the array its sub-pipeline makes of the whole input.</summary>
internal sealed class FacetStage(IReadOnlyList<(string Name, AggregationPipeline Pipeline)> facets) : PipelineStage
{
    private static readonly string[] Forbidden = ["$collStats", "$facet", "$geoNear", "$indexStats", "$out", "$merge", "$changeStream"];

    public override string Name => "$facet";

    public static FacetStage Parse(RawBsonValue value, AggregationOptions options)
    {
        if (value.Type != BsonTypeCode.Document || value.AsDocument.IsEmpty)
        {
            throw new CommandException(15955, "the $facet specification must be a non-empty object");
        }

        var facets = new List<(string, AggregationPipeline)>();
        foreach (var facet in value.AsDocument)
        {
            if (facet.Value.Type != BsonTypeCode.Array)
            {
                throw new CommandException(40170, $"arguments to $facet must be arrays, {facet.Name} is type {facet.Value.Type}");
            }

            var stages = facet.Value.AsDocument.Values().Select(s => s.AsDocument).ToList();
            if (stages.Select(AggregationPipeline.StageName).FirstOrDefault(n => n is not null && Forbidden.Contains(n)) is { } forbidden)
            {
                throw new CommandException(40600, $"{forbidden} is not allowed to be used within a $facet stage");
            }

            facets.Add((facet.Name, AggregationPipeline.Compile(stages, options)));
        }

        return new FacetStage(facets);
    }

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        var all = input.ToList();
        var builder = new BsonBuilder(1024).StartDocument();
        foreach (var (name, pipeline) in facets)
        {
            builder.StartArray(name);
            var i = 0;
            foreach (var document in pipeline.Execute(all))
            {
                builder.Document(BsonBuilder.Index(i++), document);
            }

            builder.End();
        }

        yield return builder.End().ToDocument();
    }
}
