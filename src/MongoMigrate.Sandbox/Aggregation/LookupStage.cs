using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>
/// $lookup as mongod runs it: each input document gets, under "as", the documents of "from" whose foreignField
/// equals its localField (an array on either side matches by any element; a missing localField matches null or
/// missing), then passed through the optional "pipeline". "let" binds variables for the pipeline from each input
/// document: the pipeline is compiled again for each one with those values in scope.
/// </summary>
internal sealed class LookupStage : PipelineStage
{
    private readonly Func<IReadOnlyList<RawDocument>> _foreign;
    private readonly FieldPath? _localField;
    private readonly string? _foreignField;
    private readonly AggregationPipeline? _pipeline;
    private readonly string _as;
    private readonly LetBinding? _let;

    private LookupStage(Func<IReadOnlyList<RawDocument>> foreign, FieldPath? localField, string? foreignField, AggregationPipeline? pipeline, string @as, LetBinding? let)
    {
        _foreign = foreign;
        _localField = localField;
        _foreignField = foreignField;
        _pipeline = pipeline;
        _as = @as;
        _let = let;
    }

    public override string Name => "$lookup";

    public static LookupStage Parse(RawBsonValue value, AggregationOptions options)
    {
        if (value.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "the $lookup specification must be an Object");
        }

        var spec = value.AsDocument;
        string? Text(string name) => spec.TryGetValue(name, out var v) && v.Type == BsonTypeCode.String ? v.AsString : null;
        var from = Text("from");
        if (spec.TryGetValue("from", out var fromValue) && fromValue.Type == BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup from another database is not supported by the sandbox; name a collection of this database");
        }

        var @as = Text("as") ?? throw new CommandException(ServerErrorCode.FailedToParse, "must specify 'as' field for a $lookup");
        var variables = new List<(string Name, Expression Value)>();
        var pipelineScope = options.Variables;
        if (spec.TryGetValue("let", out var letValue))
        {
            if (letValue.Type != BsonTypeCode.Document)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, "$lookup argument 'let' must be an object, is type " + BsonValues.TypeName(letValue.Type));
            }

            foreach (var element in letValue.AsDocument)
            {
                VariableScope.ValidateUserName(element.Name);
                variables.Add((element.Name, ExpressionParser.Parse(element.Value, options.Variables)));
                pipelineScope = new VariableScope(element.Name, pipelineScope);
            }
        }

        var localField = Text("localField");
        var foreignField = Text("foreignField");
        if ((localField is null) != (foreignField is null))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup requires both or neither of 'localField' and 'foreignField' to be specified");
        }

        AggregationPipeline? pipeline = null;
        LetBinding? let = null;
        if (spec.TryGetValue("pipeline", out var stages) && stages.Type == BsonTypeCode.Array)
        {
            // Compiled once with the let names in scope, so that a bad pipeline fails before any document is read.
            var stageList = stages.AsDocument.Values().Select(s => s.AsDocument).ToList();
            pipeline = AggregationPipeline.Compile(stageList, options.WithVariables(pipelineScope));
            let = variables.Count == 0 ? null : new LetBinding(variables, stageList, options);
        }
        else if (variables.Count > 0)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup with 'let' must also specify 'pipeline'");
        }
        else if (localField is null)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
        }

        var reader = options.ReadCollection ?? throw new ServerStageException("$lookup", 0);
        var database = options.Database;
        var name = from ?? throw new CommandException(ServerErrorCode.FailedToParse, "must specify 'from' field for a $lookup");
        return new LookupStage(() => reader(database, name), localField is null ? null : FieldPath.Parse(localField), foreignField, pipeline, @as, let);
    }

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        IReadOnlyList<RawDocument>? foreign = null;
        foreach (var document in input)
        {
            foreign ??= _foreign();
            IEnumerable<RawDocument> matches = foreign;
            if (_localField is not null)
            {
                var filter = QueryFilter.Compile(EqualityFilter(document));
                matches = foreign.Where(filter.Matches);
            }

            if (_let is not null)
            {
                matches = _let.PipelineFor(document).Execute(matches);
            }
            else if (_pipeline is not null)
            {
                matches = _pipeline.Execute(matches);
            }

            var builder = new BsonBuilder(document.Length + 64).StartDocument();
            foreach (var element in document)
            {
                if (element.Name != _as)
                {
                    builder.Element(element);
                }
            }

            builder.StartArray(_as);
            var i = 0;
            foreach (var match in matches)
            {
                builder.Document(BsonBuilder.Index(i++), match);
            }

            yield return builder.End().End().ToDocument();
        }
    }

    /// <summary>The let variables and the pipeline they are bound in.</summary>
    private sealed class LetBinding(IReadOnlyList<(string Name, Expression Value)> variables, IReadOnlyList<RawDocument> stages, AggregationOptions options)
    {
        /// <summary>The pipeline with the variables' values for <paramref name="document"/> in scope.</summary>
        public AggregationPipeline PipelineFor(RawDocument document)
        {
            var context = EvaluationContext.ForDocument(document);
            var scope = options.Variables;
            foreach (var (name, value) in variables)
            {
                scope = new VariableScope(name, scope, value.Evaluate(context));
            }

            return AggregationPipeline.Compile(stages, options.WithVariables(scope));
        }
    }

    /// <summary>{foreignField: {$in: [the local values]}}, or {foreignField: null} when the local field is missing or null.</summary>
    private RawDocument EqualityFilter(RawDocument document)
    {
        var values = _localField!.Candidates(document, traverseLeafArrays: true).Where(v => !v.IsMissing() && v.Type != BsonTypeCode.Array).ToList();
        var builder = new BsonBuilder(128).StartDocument().StartDocument(_foreignField!).StartArray("$in");
        if (values.Count == 0)
        {
            builder.Null("0");
        }

        for (var i = 0; i < values.Count; i++)
        {
            builder.Value(BsonBuilder.Index(i), values[i]);
        }

        return builder.End().End().End().ToDocument();
    }
}
