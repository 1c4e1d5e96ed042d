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

/// <summary>$inc and $mul with the server's result types; an int64 overflow fails the update.</summary>
internal sealed class ArithmeticModifier(bool multiply, RawBsonValue operand) : ModifierNode
{
    private string OperatorName => multiply ? "$mul" : "$inc";

    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index).ToRaw();
        if (!current.IsNumeric)
        {
            throw new CommandException(
                ServerErrorCode.TypeMismatch,
                $"Cannot apply {OperatorName} to a value of non-numeric type. {state.IdDocument} has the field '{name}' of non-numeric type {BsonValues.TypeName(current.Type)}");
        }

        var result = multiply
            ? NumberArithmetic.Multiply(current, operand, longOverflowToDouble: false, out var overflowed)
            : NumberArithmetic.Add(current, operand, longOverflowToDouble: false, out overflowed);
        if (overflowed)
        {
            throw new CommandException(
                ServerErrorCode.BadValue,
                $"Failed to apply {OperatorName} operations to current value (({BsonValues.TypeName(current.Type)}){BsonDebugText.Format(current)}) for document {state.IdDocument}");
        }

        container.SetAt(index, result);
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, multiply ? NumberArithmetic.ZeroLike(operand) : operand);
}

/// <summary>$min and $max: replaces the value when the operand sorts before (or after) it; a missing field is set.</summary>
internal sealed class MinMaxModifier(bool max, RawBsonValue operand) : ModifierNode
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var c = BsonOrder.CompareValues(operand, container.ValueAt(index).ToRaw());
        if (max ? c > 0 : c < 0)
        {
            container.SetAt(index, operand);
        }
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, operand);
}

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
