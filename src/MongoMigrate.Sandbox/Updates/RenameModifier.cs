using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>
/// $rename, placed at the destination path: the source value (found in the document as it is at that
/// moment) is removed and written at the destination. A missing source changes nothing.
/// </summary>
internal sealed class RenameModifier(UpdatePath source, UpdatePath destination) : ModifierNode
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        if (TakeSource(container, state) is { } value)
        {
            container.SetAt(container.IndexOf(name), value);
        }
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
        if (TakeSource(container, state) is { } value)
        {
            container.Append(name, value);
        }
    }

    private NodeValue? TakeSource(DocumentNode destinationContainer, ApplyState state)
    {
        var node = state.Root;
        var parts = source.Parts;
        for (var i = 0; i < parts.Length; i++)
        {
            var index = node.IndexOf(parts[i]);
            if (index < 0)
            {
                return null;
            }

            if (i == parts.Length - 1)
            {
                if (destinationContainer.IsArray)
                {
                    throw new CommandException(
                        ServerErrorCode.BadValue,
                        $"The destination field cannot be an array element, '{destination.Dotted}' in doc with {state.IdElement} has an array field called '{destination.Parts[^2]}'");
                }

                var value = node.ValueAt(index);
                node.RemoveAt(index);
                return value.Node is null ? value : new NodeValue(value.Node.ToValue());
            }

            var child = node.ChildNodeAt(index);
            if (child is null)
            {
                return null;
            }

            if (child.IsArray)
            {
                throw new CommandException(
                    ServerErrorCode.BadValue,
                    $"The source field cannot be an array element, '{source.Dotted}' in doc with {state.IdElement} has an array field called '{parts[i]}'");
            }

            node = child;
        }

        return null;
    }
}
