using MongoDB.Bson;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>
/// Arithmetic on BSON numbers with the server's result types: int32 unless it overflows (then int64),
/// double as soon as a double is involved, decimal as soon as a decimal is involved.
/// </summary>
public static class NumberArithmetic
{
    private enum Kind
    {
        Int32,
        Int64,
        Double,
        Decimal,
    }

    /// <summary>
    /// Sum of two numbers. An int64 overflow gives a double when <paramref name="longOverflowToDouble"/>
    /// (aggregation $add), else <paramref name="overflowed"/> is set ($inc refuses it).
    /// </summary>
    public static RawBsonValue Add(RawBsonValue left, RawBsonValue right, bool longOverflowToDouble, out bool overflowed)
    {
        overflowed = false;
        switch (Widest(left, right))
        {
            case Kind.Int32:
                return BsonValues.Integer((long)left.AsInt32 + right.AsInt32);
            case Kind.Int64:
                {
                    var l = ToInt64(left);
                    var r = ToInt64(right);
                    var sum = l + r;
                    if (((l ^ sum) & (r ^ sum)) < 0)
                    {
                        overflowed = !longOverflowToDouble;
                        return BsonValues.Double((double)l + r);
                    }

                    return BsonValues.Int64(sum);
                }

            case Kind.Double:
                return BsonValues.Double(left.ToDouble() + right.ToDouble());
            default:
                return DecimalOp(left, right, static (a, b) => a + b, static (a, b) => a + b);
        }
    }

    /// <summary>Product of two numbers, with the same promotion rules as <see cref="Add"/>.</summary>
    public static RawBsonValue Multiply(RawBsonValue left, RawBsonValue right, bool longOverflowToDouble, out bool overflowed)
    {
        overflowed = false;
        switch (Widest(left, right))
        {
            case Kind.Int32:
                return BsonValues.Integer((long)left.AsInt32 * right.AsInt32);
            case Kind.Int64:
                {
                    var l = ToInt64(left);
                    var r = ToInt64(right);
                    long product;
                    try
                    {
                        product = checked(l * r);
                    }
                    catch (OverflowException)
                    {
                        overflowed = !longOverflowToDouble;
                        return BsonValues.Double((double)l * r);
                    }

                    return BsonValues.Int64(product);
                }

            case Kind.Double:
                return BsonValues.Double(left.ToDouble() * right.ToDouble());
            default:
                return DecimalOp(left, right, static (a, b) => a * b, static (a, b) => a * b);
        }
    }

    /// <summary>Difference of two numbers (aggregation $subtract).</summary>
    public static RawBsonValue Subtract(RawBsonValue left, RawBsonValue right)
    {
        switch (Widest(left, right))
        {
            case Kind.Int32:
                return BsonValues.Integer((long)left.AsInt32 - right.AsInt32);
            case Kind.Int64:
                {
                    var l = ToInt64(left);
                    var r = ToInt64(right);
                    var difference = l - r;
                    if (((l ^ r) & (l ^ difference)) < 0)
                    {
                        return BsonValues.Double((double)l - r);
                    }

                    return BsonValues.Int64(difference);
                }

            case Kind.Double:
                return BsonValues.Double(left.ToDouble() - right.ToDouble());
            default:
                return DecimalOp(left, right, static (a, b) => a - b, static (a, b) => a - b);
        }
    }

    /// <summary>Quotient as a double, or a decimal when either side is one (aggregation $divide).</summary>
    public static RawBsonValue Divide(RawBsonValue left, RawBsonValue right) =>
        left.Type == BsonTypeCode.Decimal128 || right.Type == BsonTypeCode.Decimal128
            ? DecimalOp(left, right, static (a, b) => a / b, static (a, b) => a / b)
            : BsonValues.Double(left.ToDouble() / right.ToDouble());

    /// <summary>Remainder with the sign of the dividend (aggregation $mod).</summary>
    public static RawBsonValue Modulo(RawBsonValue left, RawBsonValue right)
    {
        switch (Widest(left, right))
        {
            case Kind.Int32:
                return right.AsInt32 == -1 ? BsonValues.Int32(0) : BsonValues.Int32(left.AsInt32 % right.AsInt32);
            case Kind.Int64:
                {
                    var r = ToInt64(right);
                    return BsonValues.Int64(r == -1 ? 0 : ToInt64(left) % r);
                }

            case Kind.Double:
                return BsonValues.Double(left.ToDouble() % right.ToDouble());
            default:
                return DecimalOp(left, right, static (a, b) => a % b, static (a, b) => a % b);
        }
    }

    /// <summary>Zero of the same numeric type as <paramref name="like"/> ($mul on a missing field).</summary>
    public static RawBsonValue ZeroLike(RawBsonValue like) => like.Type switch
    {
        BsonTypeCode.Int32 => BsonValues.Int32(0),
        BsonTypeCode.Int64 => BsonValues.Int64(0),
        BsonTypeCode.Double => BsonValues.Double(0),
        _ => BsonValues.Decimal128(Decimal128.Zero),
    };

    /// <summary>A decimal for any number; exact for integers and decimals.</summary>
    public static Decimal128 ToDecimal128(RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.Int32 => new Decimal128(value.AsInt32),
        BsonTypeCode.Int64 => new Decimal128(value.AsInt64),
        BsonTypeCode.Double => new Decimal128(value.AsDouble),
        _ => value.AsDecimal128,
    };

    private static Kind Widest(RawBsonValue left, RawBsonValue right) => (Kind)Math.Max((int)KindOf(left), (int)KindOf(right));

    private static Kind KindOf(RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.Int32 => Kind.Int32,
        BsonTypeCode.Int64 => Kind.Int64,
        BsonTypeCode.Double => Kind.Double,
        BsonTypeCode.Decimal128 => Kind.Decimal,
        _ => throw new InvalidOperationException($"A {value.Type} value is not a number."),
    };

    private static long ToInt64(RawBsonValue value) => value.Type == BsonTypeCode.Int32 ? value.AsInt32 : value.AsInt64;

    // System.Decimal covers 28 digits; beyond that (or for NaN and infinities) the double result is the best available.
    private static RawBsonValue DecimalOp(RawBsonValue left, RawBsonValue right, Func<decimal, decimal, decimal> op, Func<double, double, double> fallback)
    {
        var l = ToDecimal128(left);
        var r = ToDecimal128(right);
        if (!Decimal128.IsNaN(l) && !Decimal128.IsInfinity(l) && !Decimal128.IsNaN(r) && !Decimal128.IsInfinity(r))
        {
            try
            {
                return BsonValues.Decimal128(new Decimal128(op(Decimal128.ToDecimal(l), Decimal128.ToDecimal(r))));
            }
            catch (OverflowException)
            {
            }
            catch (DivideByZeroException)
            {
            }
        }

        return BsonValues.Decimal128(new Decimal128(fallback(Decimal128.ToDouble(l), Decimal128.ToDouble(r))));
    }
}
