using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Aggregation;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Runs aggregation stages over documents; stages that need the server are refused with a clear error here.</summary>
internal static class PipelineRunner
{
    public static List<RawDocument> Run(IReadOnlyList<RawDocument> stages, IEnumerable<RawDocument> input, AggregationOptions? options = null) =>
        stages.Count == 0 ? input.ToList() : Compile(stages, options).Execute(input).ToList();

    /// <summary>Options that let $lookup and $unionWith read the server's collections and views of <paramref name="database"/>.</summary>
    public static AggregationOptions OptionsFor(ServerContext server, string database) => new()
    {
        Database = database,
        ReadCollection = (db, collection) =>
        {
            var ns = Namespace.Create(db, collection);
            return ViewReads.Documents(server, ns)
                ?? server.Catalog.Read(ns, store => store is null ? [] : store.Range(null, null, descending: false).Select(s => s.Document).ToList());
        },
    };

    /// <summary>A per-document transform (for change streams): the document out, or null when a stage filters it away.</summary>
    public static Func<RawDocument, RawDocument?> ForEachDocument(IReadOnlyList<RawDocument> stages)
    {
        if (stages.Count == 0)
        {
            return static d => d;
        }

        var pipeline = Compile(stages);
        return d => pipeline.Execute([d]).FirstOrDefault() is { Length: > 0 } result ? result : null;
    }

    public static AggregationPipeline Compile(IReadOnlyList<RawDocument> stages, AggregationOptions? options = null)
    {
        var server = AggregationPipeline.FindServerStage(stages);
        if (server >= 0)
        {
            throw new CommandException(
                ServerErrorCode.Location40324,
                $"The sandbox does not support the {AggregationPipeline.StageName(stages[server])} stage at position {server} of this pipeline");
        }

        return AggregationPipeline.Compile(stages, options);
    }
}
