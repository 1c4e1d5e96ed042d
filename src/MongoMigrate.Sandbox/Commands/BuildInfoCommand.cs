namespace MongoMigrate.Sandbox.Commands;

/// <summary>buildInfo: reports MongoDB 7.0 (wire version 21) and marks itself as the sandbox.</summary>
internal sealed class BuildInfoCommand : SyncCommandHandler
{
    public const string Version = "7.0.0";

    public override string Name => "buildInfo";

    public override IReadOnlyList<string> Aliases => ["buildinfo"];

    protected override void Execute(CommandContext context) =>
        context.Reply.String("version", Version)
            .String("gitVersion", "mongomigrate-sandbox")
            .StartArray("versionArray").Int32("0", 7).Int32("1", 0).Int32("2", 0).Int32("3", 0).End()
            .Int32("bits", 64)
            .Boolean("debug", false)
            .Int32("maxBsonObjectSize", 16 * 1024 * 1024)
            .StartArray("storageEngines").String("0", "inMemory").End()
            .Boolean("sandbox", true);
}
