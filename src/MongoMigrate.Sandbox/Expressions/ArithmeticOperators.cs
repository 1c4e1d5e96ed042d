using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$add, $subtract, $multiply, $divide, $mod and $abs; a null or missing operand makes the result null.</summary>
internal static class ArithmeticOperators
{
    public static bool IsNullish(RawBsonValue value) => value.IsMissing() || value.IsNullOrUndefined;

    public static RawBsonValue Add(Expression[] arguments, in EvaluationContext context)
    {
        RawBsonValue total = BsonValues.Int32(0);
        long? date = null;
        foreach (var argument in arguments)
        {
            var value = argument.Evaluate(context);
            if (IsNullish(value))
            {
                return BsonValues.Null;
            }

            if (value.Type == BsonTypeCode.DateTime)
            {
                if (date is not null)
                {
                    throw new CommandException(16612, "only one date allowed in an $add expression");
                }

                date = value.AsDateTimeMilliseconds;
                continue;
            }

            if (!value.IsNumeric)
            {
                throw new CommandException(16554, $"$add only supports numeric or date types, not {BsonValues.TypeName(value.Type)}");
            }

            total = NumberArithmetic.Add(total, value, longOverflowToDouble: true, out _);
        }

        if (date is not null)
        {
            var offset = total.Type switch
            {
                BsonTypeCode.Int32 or BsonTypeCode.Int64 => total.TryGetInt64(out var l) ? l : 0,
                _ => (long)Math.Round(total.ToDouble()),
            };
            return BsonValues.DateTime(date.Value + offset);
        }

        return total;
    }

    public static RawBsonValue Subtract(Expression[] arguments, in EvaluationContext context)
    {
        var left = arguments[0].Evaluate(context);
        var right = arguments[1].Evaluate(context);
        if (IsNullish(left) || IsNullish(right))
        {
            return BsonValues.Null;
        }

        if (left.IsNumeric && right.IsNumeric)
        {
            return NumberArithmetic.Subtract(left, right);
        }

        if (left.Type == BsonTypeCode.DateTime)
        {
            if (right.Type == BsonTypeCode.DateTime)
            {
                return BsonValues.Int64(left.AsDateTimeMilliseconds - right.AsDateTimeMilliseconds);
            }

            if (right.IsNumeric)
            {
                var offset = right.TryGetInt64(out var l) ? l : (long)Math.Round(right.ToDouble());
                return BsonValues.DateTime(left.AsDateTimeMilliseconds - offset);
            }
        }

        throw new CommandException(16556, $"can't $subtract {BsonValues.TypeName(right.Type)} from {BsonValues.TypeName(left.Type)}");
    }

    public static RawBsonValue Multiply(Expression[] arguments, in EvaluationContext context)
    {
        RawBsonValue product = BsonValues.Int32(1);
        foreach (var argument in arguments)
        {
            var value = argument.Evaluate(context);
            if (IsNullish(value))
            {
                return BsonValues.Null;
            }

            if (!value.IsNumeric)
            {
                throw new CommandException(16555, $"$multiply only supports numeric types, not {BsonValues.TypeName(value.Type)}");
            }

            product = NumberArithmetic.Multiply(product, value, longOverflowToDouble: true, out _);
        }

        return product;
    }

    public static RawBsonValue Divide(Expression[] arguments, in EvaluationContext context)
    {
        var left = arguments[0].Evaluate(context);
        var right = arguments[1].Evaluate(context);
        if (IsNullish(left) || IsNullish(right))
        {
            return BsonValues.Null;
        }

        if (!left.IsNumeric || !right.IsNumeric)
        {
            throw new CommandException(16609, $"$divide only supports numeric types, not {BsonValues.TypeName(left.Type)} and {BsonValues.TypeName(right.Type)}");
        }

        if (NumberValue.From(right).Sign == 0 && !NumberValue.From(right).IsNaN)
        {
            throw new CommandException(16608, "can't $divide by zero");
        }

        return NumberArithmetic.Divide(left, right);
    }

    public static RawBsonValue Mod(Expression[] arguments, in EvaluationContext context)
    {
        var left = arguments[0].Evaluate(context);
        var right = arguments[1].Evaluate(context);
        if (IsNullish(left) || IsNullish(right))
        {
            return BsonValues.Null;
        }

        if (!left.IsNumeric || !right.IsNumeric)
        {
            throw new CommandException(16611, $"$mod only supports numeric types, not {BsonValues.TypeName(left.Type)} and {BsonValues.TypeName(right.Type)}");
        }

        if (NumberValue.From(right).Sign == 0 && !NumberValue.From(right).IsNaN)
        {
            throw new CommandException(16610, "can't $mod by zero");
        }

        return NumberArithmetic.Modulo(left, right);
    }

    public static RawBsonValue Abs(Expression[] arguments, in EvaluationContext context)
    {
        var value = arguments[0].Evaluate(context);
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        switch (value.Type)
        {
            case BsonTypeCode.Int32:
                return BsonValues.Integer(Math.Abs((long)value.AsInt32));
            case BsonTypeCode.Int64:
                if (value.AsInt64 == long.MinValue)
                {
                    throw new CommandException(28680, "can't take $abs of long long min");
                }

                return BsonValues.Int64(Math.Abs(value.AsInt64));
            case BsonTypeCode.Double:
                return BsonValues.Double(Math.Abs(value.AsDouble));
            case BsonTypeCode.Decimal128:
                {
                    var d = value.AsDecimal128;
                    return MongoDB.Bson.Decimal128.IsNegative(d) ? BsonValues.Decimal128(MongoDB.Bson.Decimal128.Negate(d)) : value;
                }

            default:
                throw new CommandException(28765, $"$abs only supports numeric types, not {BsonValues.TypeName(value.Type)}");
        }
    }
}
