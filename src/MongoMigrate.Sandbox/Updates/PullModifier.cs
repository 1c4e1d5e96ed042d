using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>$pull and $pullAll: removes every element the condition accepts.</summary>
internal sealed class PullModifier(Func<RawBsonValue, bool> condition, string operatorName) : ArrayModifier
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index);
        if (current.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Cannot apply {operatorName} to a non-array value");
        }

        var before = Elements(current);
        var after = new List<RawBsonValue>(before.Count);
        foreach (var value in before)
        {
            if (!condition(value))
            {
                after.Add(value);
            }
        }

        Replace(container, index, before, after);
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
    }
}
