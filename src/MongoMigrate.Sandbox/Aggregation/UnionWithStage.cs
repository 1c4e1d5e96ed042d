using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$unionWith: the input, then another collection's documents of this database, through its optional pipeline.</summary>
internal sealed class UnionWithStage(Func<IReadOnlyList<RawDocument>> other, AggregationPipeline? pipeline) : PipelineStage
{
    public override string Name => "$unionWith";

    public static UnionWithStage Parse(RawBsonValue value, AggregationOptions options)
    {
        string collection;
        AggregationPipeline? pipeline = null;
        if (value.Type == BsonTypeCode.String)
        {
            collection = value.AsString;
        }
        else if (value.Type == BsonTypeCode.Document && value.AsDocument.TryGetValue("coll", out var coll) && coll.Type == BsonTypeCode.String)
        {
            collection = coll.AsString;
            if (value.AsDocument.TryGetValue("pipeline", out var stages) && stages.Type == BsonTypeCode.Array)
            {
                pipeline = AggregationPipeline.Compile(stages.AsDocument.Values().Select(s => s.AsDocument).ToList(), options);
            }
        }
        else
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "the $unionWith stage specification must be an object or string, with a 'coll' string");
        }

        var reader = options.ReadCollection ?? throw new ServerStageException("$unionWith", 0);
        var database = options.Database;
        return new UnionWithStage(() => reader(database, collection), pipeline);
    }

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        foreach (var document in input)
        {
            yield return document;
        }

        var documents = other();
        foreach (var document in pipeline is null ? documents : pipeline.Execute(documents))
        {
            yield return document;
        }
    }
}
