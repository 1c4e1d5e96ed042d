using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Runs aggregation stages over documents.</summary>
internal static class PipelineRunner
{
    public static List<RawDocument> Run(IReadOnlyList<RawDocument> stages, IEnumerable<RawDocument> input)
    {
        if (stages.Count == 0)
        {
            return input.ToList();
        }

        throw new CommandException(ServerErrorCode.Location40324, $"Unrecognized pipeline stage name: '{(stages[0].TryGetFirst(out var f) ? f.Name : string.Empty)}'");
    }

    /// <summary>A per-document transform (for change streams): the document out, or null when a stage filters it away.</summary>
    public static Func<RawDocument, RawDocument?> ForEachDocument(IReadOnlyList<RawDocument> stages)
    {
        if (stages.Count == 0)
        {
            return static d => d;
        }

        return d => Run(stages, [d]) is [var only] ? only : null;
    }
}
