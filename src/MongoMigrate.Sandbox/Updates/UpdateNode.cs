using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>A node of the parsed update tree, applied to field <c>name</c> of a document or array node.</summary>
internal abstract class UpdateNode
{
    public abstract void Apply(DocumentNode container, string name, string path, ApplyState state);

    protected static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
