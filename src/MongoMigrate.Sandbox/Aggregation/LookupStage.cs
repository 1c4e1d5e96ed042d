using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>
/// $lookup as mongod runs it: each input document gets, under "as", the documents of "from" whose foreignField
/// equals its localField (an array on either side matches by any element; a missing localField matches null or
/// missing), then passed through the optional "pipeline". "let" variables are refused: the sandbox's expressions
/// know no user variables.
/// </summary>
internal sealed class LookupStage : PipelineStage
{
    private readonly Func<IReadOnlyList<RawDocument>> _foreign;
    private readonly FieldPath? _localField;
    private readonly string? _foreignField;
    private readonly AggregationPipeline? _pipeline;
    private readonly string _as;

    private LookupStage(Func<IReadOnlyList<RawDocument>> foreign, FieldPath? localField, string? foreignField, AggregationPipeline? pipeline, string @as)
    {
        _foreign = foreign;
        _localField = localField;
        _foreignField = foreignField;
        _pipeline = pipeline;
        _as = @as;
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
        if (spec.Contains("let"))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup with 'let' is not supported by the sandbox (its expressions know no user variables); use localField/foreignField");
        }

        var localField = Text("localField");
        var foreignField = Text("foreignField");
        if ((localField is null) != (foreignField is null))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup requires both or neither of 'localField' and 'foreignField' to be specified");
        }

        AggregationPipeline? pipeline = null;
        if (spec.TryGetValue("pipeline", out var stages) && stages.Type == BsonTypeCode.Array)
        {
            pipeline = AggregationPipeline.Compile(stages.AsDocument.Values().Select(s => s.AsDocument).ToList(), options);
        }
        else if (localField is null)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
        }

        var reader = options.ReadCollection ?? throw new ServerStageException("$lookup", 0);
        var database = options.Database;
        var name = from ?? throw new CommandException(ServerErrorCode.FailedToParse, "must specify 'from' field for a $lookup");
        return new LookupStage(() => reader(database, name), localField is null ? null : FieldPath.Parse(localField), foreignField, pipeline, @as);
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

            if (_pipeline is not null)
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
