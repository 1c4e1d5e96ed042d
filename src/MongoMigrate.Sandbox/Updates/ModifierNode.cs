using System.Globalization;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>A modifier at the end of a path ($set, $inc, $push...).</summary>
internal abstract class ModifierNode : UpdateNode
{
    public override void Apply(DocumentNode container, string name, string path, ApplyState state)
    {
        var index = container.IndexOf(name);
        if (index >= 0)
        {
            ApplyExisting(container, index, name, path, state);
        }
        else
        {
            ApplyMissing(container, name, path, state);
        }
    }

    protected abstract void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state);

    protected abstract void ApplyMissing(DocumentNode container, string name, string path, ApplyState state);

    /// <summary>Adds a new field, or an array element (padding the array with nulls).</summary>
    protected static void AddNew(DocumentNode container, string name, RawBsonValue value)
    {
        if (container.IsArray)
        {
            container.SetArrayElement(int.Parse(name, CultureInfo.InvariantCulture), value);
        }
        else
        {
            container.Append(name, value);
        }
    }
}
