using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>$set and $setOnInsert: the value is copied byte for byte; setting an identical value changes nothing.</summary>
internal sealed class SetModifier(RawBsonValue value, bool onInsertOnly) : ModifierNode
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        if (!onInsertOnly || state.IsInsert)
        {
            container.SetAt(index, value);
        }
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
        if (!onInsertOnly || state.IsInsert)
        {
            AddNew(container, name, value);
        }
    }
}
