using System.Collections.Frozen;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>
/// A compiled aggregation pipeline over raw documents. $lookup and $unionWith read other collections through
/// <see cref="AggregationOptions.ReadCollection"/>. Stages that need the server ($out, $merge,
/// $changeStream, $collStats, $indexStats, $currentOp, ...) are not compiled here: the command
/// layer finds them with <see cref="FindServerStage"/> and runs the stages before (and around) them itself;
/// <see cref="Compile"/> fails with <see cref="ServerStageException"/> if one is passed in.
/// </summary>
public sealed class AggregationPipeline
{
    private static readonly FrozenSet<string> ServerStages = new[]
    {
        "$changeStream", "$collStats", "$out", "$merge", "$indexStats", "$currentOp",
        "$graphLookup", "$geoNear", "$listSessions", "$listLocalSessions", "$planCacheStats",
        "$search", "$searchMeta", "$listSearchIndexes", "$documents", "$changeStreamSplitLargeEvent",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> UpdateStages = new[]
    {
        "$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly PipelineStage[] _stages;

    private AggregationPipeline(PipelineStage[] stages)
    {
        _stages = stages;
    }

    public IReadOnlyList<PipelineStage> Stages => _stages;

    /// <summary>Whether a stage name is one the command layer must run (it needs collections or server state).</summary>
    public static bool RequiresServer(string stageName) => ServerStages.Contains(stageName);

    /// <summary>The stage's name (its single field), or null when the stage document is empty.</summary>
    public static string? StageName(RawDocument stage) => stage.TryGetFirst(out var first) ? first.Name : null;

    /// <summary>The index of the first stage that needs the server, or -1.</summary>
    public static int FindServerStage(IReadOnlyList<RawDocument> stages)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            if (StageName(stages[i]) is { } name && RequiresServer(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Compiles the stages; unknown stages fail with code 40324 as on the server.</summary>
    public static AggregationPipeline Compile(IReadOnlyList<RawDocument> stages, AggregationOptions? options = null)
    {
        options ??= new AggregationOptions();
        var compiled = new PipelineStage[stages.Count];
        for (var i = 0; i < stages.Count; i++)
        {
            compiled[i] = CompileStage(stages[i], i, options);
        }

        return new AggregationPipeline(compiled);
    }

    /// <summary>Compiles the pipeline of a pipeline-style update, which allows only the reshaping stages.</summary>
    internal static AggregationPipeline CompileForUpdate(IReadOnlyList<RawDocument> stages)
    {
        foreach (var stage in stages)
        {
            if (StageName(stage) is { } name && !UpdateStages.Contains(name) && name.StartsWith('$'))
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, $"{name} is not allowed to be used within an update");
            }
        }

        return Compile(stages);
    }

    /// <summary>Runs the pipeline; stages stream where they can ($match, $project, $unwind, $limit...).</summary>
    public IEnumerable<RawDocument> Execute(IEnumerable<RawDocument> input)
    {
        var stream = input;
        foreach (var stage in _stages)
        {
            stream = stage.Apply(stream);
        }

        return stream;
    }

    private static PipelineStage CompileStage(RawDocument stage, int index, AggregationOptions options)
    {
        if (stage.Count() != 1 || !stage.TryGetFirst(out var element))
        {
            throw new CommandException(40323, "A pipeline stage specification object must contain exactly one field.");
        }

        var name = element.Name;
        var value = element.Value;
        if (RequiresServer(name))
        {
            throw new ServerStageException(name, index);
        }

        return name switch
        {
            "$match" => new MatchStage(QueryFilter.Compile(ExpectDocument(value, "the match filter must be an expression in an object", 15959), options.Variables)),
            "$sort" => new SortStage(ParseSort(value)),
            "$limit" => new LimitStage(ParseLimit(value)),
            "$skip" => new SkipStage(ParseSkip(value)),
            "$project" => new ProjectStage(name, Wrap(name, () => Projection.CompileForAggregation(ExpectDocument(value, "$project specification must be an object", 15969), options.Variables))),
            "$addFields" or "$set" => new ProjectStage(name, Wrap(name, () => Projection.CompileAddFields(ExpectDocument(value, $"{name} specification stage must be an object, got {BsonValues.TypeName(value.Type)}", 40272), options.Variables))),
            "$unset" => new ProjectStage(name, ParseUnset(value)),
            "$group" => GroupStage.Parse(value, options.Variables),
            "$count" => new CountStage(ParseCountField(value)),
            "$sample" => new SampleStage(ParseSampleSize(value), options.Random),
            "$unwind" => UnwindStage.Parse(value),
            "$replaceRoot" => new ReplaceRootStage(name, ParseReplaceRoot(value, options.Variables)),
            "$replaceWith" => new ReplaceRootStage(name, ExpressionParser.Parse(value, options.Variables)),
            "$sortByCount" => new SortByCountStage(ParseSortByCount(value, options.Variables)),
            "$lookup" => LookupStage.Parse(value, options),
            "$unionWith" => UnionWithStage.Parse(value, options),
            "$facet" => FacetStage.Parse(value, options),
            "$bucket" => BucketStage.Parse(value, options.Variables),
            _ => throw new CommandException(ServerErrorCode.Location40324, $"Unrecognized pipeline stage name: '{name}'"),
        };
    }

    private static T Wrap<T>(string stage, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (CommandException e) when (!e.Message.StartsWith("Invalid ", StringComparison.Ordinal))
        {
            throw new CommandException(e.Code, $"Invalid {stage} :: caused by :: {e.Message}");
        }
    }

    private static RawDocument ExpectDocument(RawBsonValue value, string message, int code) =>
        value.Type == BsonTypeCode.Document ? value.AsDocument : throw new CommandException(code, message);

    private static SortSpecification ParseSort(RawBsonValue value)
    {
        var sort = ExpectDocument(value, "the $sort key specification must be an object", 15973);
        if (sort.IsEmpty)
        {
            throw new CommandException(15976, "$sort stage must have at least one sort key");
        }

        return SortSpecification.Compile(sort);
    }

    private static long ParseLimit(RawBsonValue value)
    {
        if (!value.IsNumeric || !value.TryGetInt64(out var limit))
        {
            throw new CommandException(15957, "the limit must be specified as a number");
        }

        if (limit <= 0)
        {
            throw new CommandException(15958, $"the limit must be positive");
        }

        return limit;
    }

    private static long ParseSkip(RawBsonValue value)
    {
        if (!value.IsNumeric || !value.TryGetInt64(out var skip))
        {
            throw new CommandException(15972, $"Argument to $skip must be a number not a {BsonValues.TypeName(value.Type)}");
        }

        if (skip < 0)
        {
            throw new CommandException(15956, $"Argument to $skip cannot be negative");
        }

        return skip;
    }

    private static Projection ParseUnset(RawBsonValue value)
    {
        var fields = new List<string>();
        if (value.Type == BsonTypeCode.String)
        {
            fields.Add(value.AsString);
        }
        else if (value.Type == BsonTypeCode.Array)
        {
            foreach (var element in value.AsDocument)
            {
                if (element.Value.Type != BsonTypeCode.String)
                {
                    throw new CommandException(31120, "$unset specification must be a string or an array containing only string values");
                }

                fields.Add(element.Value.AsString);
            }

            if (fields.Count == 0)
            {
                throw new CommandException(31119, "$unset specification must be a string or an array with at least one field");
            }
        }
        else
        {
            throw new CommandException(31002, "$unset specification must be a string or an array");
        }

        var builder = new BsonBuilder().StartDocument();
        foreach (var field in fields)
        {
            builder.Int32(field, 0);
        }

        return Wrap("$unset", () => Projection.CompileForAggregation(builder.End().ToDocument()));
    }

    private static string ParseCountField(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.String || value.AsString.Length == 0)
        {
            throw new CommandException(40156, "the count field must be a non-empty string");
        }

        var field = value.AsString;
        if (field.StartsWith('$'))
        {
            throw new CommandException(40158, "the count field cannot be a $-prefixed path");
        }

        if (field.Contains('.', StringComparison.Ordinal))
        {
            throw new CommandException(40160, "the count field cannot contain '.'");
        }

        return field;
    }

    private static long ParseSampleSize(RawBsonValue value)
    {
        var spec = ExpectDocument(value, "the $sample stage specification must be an object", 28745);
        long? size = null;
        foreach (var element in spec)
        {
            if (element.Name != "size")
            {
                throw new CommandException(28748, $"unrecognized option to $sample: {element.Name}");
            }

            if (!element.Value.IsNumeric)
            {
                throw new CommandException(28746, "size argument to $sample must be a number");
            }

            var d = element.Value.ToDouble();
            if (d < 0)
            {
                throw new CommandException(28747, "size argument to $sample must not be negative");
            }

            size = d >= long.MaxValue ? long.MaxValue : (long)d;
        }

        return size ?? throw new CommandException(28749, "$sample stage must specify a size");
    }

    private static Expression ParseReplaceRoot(RawBsonValue value, VariableScope? scope)
    {
        var spec = ExpectDocument(value, $"expected an object as specification for $replaceRoot stage, got {BsonValues.TypeName(value.Type)}", 40229);
        Expression? newRoot = null;
        foreach (var element in spec)
        {
            if (element.Name != "newRoot")
            {
                throw new CommandException(40415, $"BSON field '$replaceRoot.{element.Name}' is an unknown field.");
            }

            newRoot = ExpressionParser.Parse(element.Value, scope);
        }

        return newRoot ?? throw new CommandException(40414, "BSON field '$replaceRoot.newRoot' is missing but a required field");
    }

    private static Expression ParseSortByCount(RawBsonValue value, VariableScope? scope)
    {
        var valid = (value.Type == BsonTypeCode.String && value.AsString.StartsWith('$'))
            || (value.Type == BsonTypeCode.Document && value.AsDocument.TryGetFirst(out var first) && first.Name.StartsWith('$'));
        if (!valid)
        {
            throw new CommandException(40148, "the sortByCount field must be defined as a $-prefixed path or an expression");
        }

        return ExpressionParser.Parse(value, scope);
    }

    /// <summary>$sortByCount: {$group: {_id: expr, count: {$sum: 1}}} then {$sort: {count: -1}}.</summary>
    private sealed class SortByCountStage(Expression key) : PipelineStage
    {
        private static readonly SortSpecification ByCountDescending =
            SortSpecification.Compile(new BsonBuilder().StartDocument().Int32("count", -1).End().ToDocument());

        private readonly GroupStage _group = new(key, [("count", "$sum", new ConstantExpression(BsonValues.Int32(1)))]);

        public override string Name => "$sortByCount";

        public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input) => ByCountDescending.Sort(_group.Apply(input));
    }
}
