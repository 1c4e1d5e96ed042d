using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>
/// $bucket as mongod runs it: each document goes to the bucket whose lower boundary is the greatest one not above its
/// groupBy value (the upper boundary excluded), or to "default"; without a default, a value outside the boundaries
/// fails (40066). Buckets come out in boundary order, the default one last; output defaults to {count: {$sum: 1}}.
/// </summary>
internal sealed class BucketStage(GroupStage group, IReadOnlyList<RawBsonValue> boundaries) : PipelineStage
{
    public override string Name => "$bucket";

    public static BucketStage Parse(RawBsonValue value, VariableScope? scope)
    {
        if (value.Type != BsonTypeCode.Document)
        {
            throw new CommandException(40201, "Argument to $bucket stage must be an object");
        }

        var spec = value.AsDocument;
        if (!spec.TryGetValue("groupBy", out var groupBy) || !spec.TryGetValue("boundaries", out var bounds))
        {
            throw new CommandException(40198, "$bucket requires 'groupBy' and 'boundaries' to be specified.");
        }

        if (bounds.Type != BsonTypeCode.Array || bounds.AsDocument.Count() < 2)
        {
            throw new CommandException(40192, "The $bucket 'boundaries' field must be an array with at least 2 values");
        }

        var boundaries = bounds.AsDocument.Values();
        for (var i = 1; i < boundaries.Count; i++)
        {
            if (BsonOrder.CompareValues(boundaries[i - 1], boundaries[i]) >= 0)
            {
                throw new CommandException(40194, "The 'boundaries' option to $bucket must be sorted in ascending order");
            }
        }

        RawBsonValue? fallback = spec.TryGetValue("default", out var d) ? d : null;
        var output = spec.TryGetValue("output", out var o) && o.Type == BsonTypeCode.Document
            ? o.AsDocument
            : new BsonBuilder(64).StartDocument().StartDocument("count").Int32("$sum", 1).End().End().ToDocument();
        var groupSpec = new BsonBuilder(output.Length + 16).StartDocument().Null("_id");
        foreach (var element in output)
        {
            groupSpec.Element(element);
        }

        var group = GroupStage.Parse(groupSpec.End().ToDocument().AsValue(), scope)
            .WithId(new BucketKey(ExpressionParser.Parse(groupBy, scope), boundaries, fallback));
        return new BucketStage(group, boundaries);
    }

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input) =>
        group.Apply(input).OrderBy(Position);

    private int Position(RawDocument bucket)
    {
        bucket.TryGetValue("_id", out var id);
        for (var i = 0; i < boundaries.Count - 1; i++)
        {
            if (BsonOrder.CompareValues(boundaries[i], id) == 0)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private sealed class BucketKey(Expression groupBy, IReadOnlyList<RawBsonValue> boundaries, RawBsonValue? fallback) : Expression
    {
        public override RawBsonValue Evaluate(in EvaluationContext context)
        {
            var value = groupBy.Evaluate(context);
            if (value.IsMissing())
            {
                value = BsonValues.Null;
            }

            for (var i = 0; i < boundaries.Count - 1; i++)
            {
                if (BsonOrder.CompareValues(boundaries[i], value) <= 0 && BsonOrder.CompareValues(value, boundaries[i + 1]) < 0)
                {
                    return boundaries[i];
                }
            }

            return fallback ?? throw new CommandException(40066, $"$switch could not find a matching branch for an input, and no default was specified.");
        }
    }
}
