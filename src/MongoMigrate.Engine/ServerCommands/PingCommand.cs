using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The ping command: a round trip that changes nothing (its reply carries the cluster's time).</summary>
public static class PingCommand
{
    public static RawDocument Build() => new BsonBuilder(32).StartDocument().Int32("ping", 1).End().ToDocument();
}
