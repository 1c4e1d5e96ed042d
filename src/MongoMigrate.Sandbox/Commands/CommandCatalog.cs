namespace MongoMigrate.Sandbox.Commands;

/// <summary>Every command the sandbox understands.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<CommandHandler> CreateHandlers() =>
    [
        new HelloCommand(),
        new PingCommand(),
        new BuildInfoCommand(),
        new EndSessionsCommand(),
        new SaslStartCommand(),
        new ListDatabasesCommand(),
        new ListCollectionsCommand(),
        new CreateCommand(),
        new CollModCommand(),
        new SetUserWriteBlockModeCommand(),
        new GetClusterParameterCommand(),
        new AppendOplogNoteCommand(),
        new DropCommand(),
        new DropDatabaseCommand(),
        new RenameCollectionCommand(),
        new CreateIndexesCommand(),
        new DropIndexesCommand(),
        new ListIndexesCommand(),
        new InsertCommand(),
        new FindCommand(),
        new GetMoreCommand(),
        new KillCursorsCommand(),
        new ConfigureFailPointCommand(),
        new CollStatsCommand(),
        new DbStatsCommand(),
        new AggregateCommand(),
        new CountCommand(),
        new UpdateCommand(),
        new DeleteCommand(),
        new FindAndModifyCommand(),
        new DistinctCommand(),
        new ServerStatusCommand(),
        new HostInfoCommand(),
        new ListCommandsCommand(),
        new GetParameterCommand(),
        new ConnectionStatusCommand(),
        new ReplSetGetStatusCommand(),
        new ValidateCommand(),
        new ExplainCommand(),
    ];
}
