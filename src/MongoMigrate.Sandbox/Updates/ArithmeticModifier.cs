using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

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
                $"Failed to apply $inc operations to current value (({SafeNumName(current.Type)}){BsonDebugText.Format(current)}) for document {state.IdDocument}");
        }

        container.SetAt(index, result);
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, multiply ? NumberArithmetic.ZeroLike(operand) : operand);

    // The server names the operation $inc for $mul too, and shows the value as its SafeNum type does.
    private static string SafeNumName(BsonTypeCode type) => type switch
    {
        BsonTypeCode.Int32 => "NumberInt",
        BsonTypeCode.Int64 => "NumberLong",
        BsonTypeCode.Double => "NumberDouble",
        _ => "NumberDecimal",
    };
}
