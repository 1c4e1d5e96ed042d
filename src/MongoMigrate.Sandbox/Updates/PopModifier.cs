using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>$pop: removes the first (-1) or last (1) element.</summary>
internal sealed class PopModifier(bool first) : ArrayModifier
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index);
        if (current.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, $"Path '{path}' contains an element of non-array type '{BsonValues.TypeName(current.Type)}'");
        }

        var before = Elements(current);
        if (before.Count == 0)
        {
            return;
        }

        var after = new List<RawBsonValue>(before);
        after.RemoveAt(first ? 0 : after.Count - 1);
        Replace(container, index, before, after);
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
    }
}
