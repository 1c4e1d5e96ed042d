using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The setUserWriteBlockMode command (admin): blocks, or unblocks, every user's writes on the deployment.</summary>
public static class SetUserWriteBlockModeCommand
{
    public static RawDocument Build(bool block) =>
        new BsonBuilder(64).StartDocument().Int32("setUserWriteBlockMode", 1).Boolean("global", block).End().ToDocument();
}
