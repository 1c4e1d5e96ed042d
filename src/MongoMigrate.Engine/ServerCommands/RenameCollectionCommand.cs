using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The renameCollection command (run on admin): a collection moved to another name, in its database or another.</summary>
public static class RenameCollectionCommand
{
    public static RawDocument Build(NamespaceName from, NamespaceName to, bool dropTarget) =>
        new BsonBuilder(256).StartDocument()
            .String("renameCollection", from.FullName)
            .String("to", to.FullName)
            .Boolean("dropTarget", dropTarget)
            .End().ToDocument();
}
