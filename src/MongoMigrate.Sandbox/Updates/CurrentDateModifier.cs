using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>$currentDate: the context's clock as a date, or as a timestamp.</summary>
internal sealed class CurrentDateModifier(bool timestamp) : ModifierNode
{
    private RawBsonValue Now(ApplyState state)
    {
        var now = state.Context.Time.GetUtcNow();
        return timestamp
            ? BsonValues.Timestamp(((ulong)now.ToUnixTimeSeconds() << 32) | 1)
            : BsonValues.DateTime(now.ToUnixTimeMilliseconds());
    }

    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state) =>
        container.SetAt(index, Now(state));

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, Now(state));
}
