using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>$unset: removes a field; an array element becomes null instead, so indexes do not shift.</summary>
internal sealed class UnsetModifier : ModifierNode
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        if (container.IsArray)
        {
            container.SetAt(index, BsonValues.Null);
        }
        else
        {
            container.RemoveAt(index);
        }
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
    }
}
