using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The appendOplogNote command (admin): writes a no-op holding <c>{name: value}</c> to the oplog.</summary>
public static class AppendOplogNoteCommand
{
    public static RawDocument Build(string name, string value) =>
        new BsonBuilder(64 + name.Length + value.Length).StartDocument().Int32("appendOplogNote", 1).StartDocument("data").String(name, value).End().End().ToDocument();
}
