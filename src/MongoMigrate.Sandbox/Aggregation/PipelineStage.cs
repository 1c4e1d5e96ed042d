using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>One compiled stage of a pipeline: a transformation of a document stream.</summary>
public abstract class PipelineStage
{
    public abstract string Name { get; }

    public abstract IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input);
}
