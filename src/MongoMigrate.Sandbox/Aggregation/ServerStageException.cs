namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>
/// A stage the command layer must run itself ($lookup, $out, $merge, $changeStream...). It carries the stage's
/// name and position so the caller can run the stages before it with <see cref="AggregationPipeline"/>.
/// </summary>
public sealed class ServerStageException : CommandException
{
    public ServerStageException(string stageName, int stageIndex)
        : base(ServerErrorCode.CommandNotSupported, $"{stageName} must be run by the command layer, not the sandbox's pipeline compiler (stage {stageIndex})")
    {
        StageName = stageName;
        StageIndex = stageIndex;
    }

    public string StageName { get; }

    public int StageIndex { get; }
}
