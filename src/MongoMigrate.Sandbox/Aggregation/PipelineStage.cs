using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>One compiled stage of a pipeline: a transformation of a document stream.</summary>
public abstract class PipelineStage
{
    public abstract string Name { get; }

    public abstract IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input);
}

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

/// <summary>$sort buffers its input: a sort cannot emit before it has seen everything.</summary>
internal sealed class SortStage(SortSpecification sort) : PipelineStage
{
    public override string Name => "$sort";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input) => sort.Sort(input);
}

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

/// <summary>$replaceRoot and $replaceWith: the expression's document becomes the document.</summary>
internal sealed class ReplaceRootStage(string name, Expression newRoot) : PipelineStage
{
    public override string Name => name;

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        foreach (var document in input)
        {
            var value = newRoot.Evaluate(EvaluationContext.ForDocument(document));
            if (value.Type != BsonTypeCode.Document)
            {
                throw new CommandException(
                    40228,
                    $"'newRoot' expression must evaluate to an object, but resulting value was: {(value.IsMissing() ? "MISSING" : BsonDebugText.Format(value))}. Type of resulting value: '{BsonValues.TypeName(value.Type)}'. Input document: {BsonDebugText.Format(document)}");
            }

            yield return value.AsDocument;
        }
    }
}

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
