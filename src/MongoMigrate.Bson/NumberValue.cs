using System.Numerics;
using MongoDB.Bson;

namespace MongoMigrate.Bson;

/// <summary>
/// A BSON number (int32, int64, double or decimal128) in a form that compares exactly across types,
/// as MongoDB compares them: by mathematical value, NaN below every other number and equal to itself.
/// </summary>
public readonly struct NumberValue
{
    private readonly Kind _kind;
    private readonly long _integer;
    private readonly double _double;
    private readonly Decimal128 _decimal;

    private NumberValue(Kind kind, long integer, double d, Decimal128 dec)
    {
        _kind = kind;
        _integer = integer;
        _double = d;
        _decimal = dec;
    }

    private enum Kind : byte
    {
        Integer,
        Double,
        Decimal,
    }

    public static NumberValue FromInt64(long value) => new(Kind.Integer, value, 0, default);

    public static NumberValue FromDouble(double value) => new(Kind.Double, 0, value, default);

    public static NumberValue FromDecimal128(Decimal128 value) => new(Kind.Decimal, 0, 0, value);

    public static NumberValue From(RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.Int32 => FromInt64(value.AsInt32),
        BsonTypeCode.Int64 => FromInt64(value.AsInt64),
        BsonTypeCode.Double => FromDouble(value.AsDouble),
        BsonTypeCode.Decimal128 => FromDecimal128(value.AsDecimal128),
        _ => throw new InvalidOperationException($"A {value.Type} value is not a number."),
    };

    public bool IsNaN => _kind switch
    {
        Kind.Double => double.IsNaN(_double),
        Kind.Decimal => Decimal128.IsNaN(_decimal),
        _ => false,
    };

    /// <summary>-1, 0 or 1; NaN counts as 0.</summary>
    public int Sign => _kind switch
    {
        Kind.Integer => Math.Sign(_integer),
        Kind.Double => double.IsNaN(_double) ? 0 : Math.Sign(_double),
        _ => Decimal128.IsNaN(_decimal) ? 0 : Decimal128.IsZero(_decimal) ? 0 : Decimal128.IsNegative(_decimal) ? -1 : 1,
    };

    /// <summary>A double approximation, used for hashing and for arithmetic where doubles are the result type.</summary>
    public double ToDouble() => _kind switch
    {
        Kind.Integer => _integer,
        Kind.Double => _double,
        _ => Decimal128.ToDouble(_decimal),
    };

    public static int Compare(NumberValue left, NumberValue right)
    {
        if (left._kind == Kind.Integer && right._kind == Kind.Integer)
        {
            return left._integer.CompareTo(right._integer);
        }

        if (left._kind == Kind.Double && right._kind == Kind.Double)
        {
            return CompareDoubles(left._double, right._double);
        }

        if (left._kind == Kind.Integer && right._kind == Kind.Double)
        {
            return CompareInt64WithDouble(left._integer, right._double);
        }

        if (left._kind == Kind.Double && right._kind == Kind.Integer)
        {
            return -CompareInt64WithDouble(right._integer, left._double);
        }

        return CompareExact(left.ToExact(), right.ToExact());
    }

    /// <summary>MongoDB's order for doubles: NaN first and equal to itself, -0 equal to 0.</summary>
    public static int CompareDoubles(double left, double right)
    {
        if (left < right)
        {
            return -1;
        }

        if (left > right)
        {
            return 1;
        }

        if (left == right)
        {
            return 0;
        }

        // At least one is NaN.
        return double.IsNaN(left) ? (double.IsNaN(right) ? 0 : -1) : 1;
    }

    private static int CompareInt64WithDouble(long left, double right)
    {
        if (double.IsNaN(right))
        {
            return 1;
        }

        if (right >= 9223372036854775808.0)
        {
            return -1;
        }

        if (right < -9223372036854775808.0)
        {
            return 1;
        }

        // |right| < 2^63 here, so truncation is exact and the fractional part is exact too.
        var whole = (long)right;
        if (left != whole)
        {
            return left < whole ? -1 : 1;
        }

        var fraction = right - whole;
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }

    private Exact ToExact()
    {
        switch (_kind)
        {
            case Kind.Integer:
                return new Exact(ExactKind.Finite, Math.Sign(_integer), BigInteger.Abs(_integer), 0, 0);
            case Kind.Double:
                {
                    if (double.IsNaN(_double))
                    {
                        return new Exact(ExactKind.NaN, 0, default, 0, 0);
                    }

                    if (double.IsInfinity(_double))
                    {
                        return new Exact(_double > 0 ? ExactKind.PositiveInfinity : ExactKind.NegativeInfinity, 0, default, 0, 0);
                    }

                    if (_double == 0)
                    {
                        return new Exact(ExactKind.Finite, 0, BigInteger.Zero, 0, 0);
                    }

                    var bits = BitConverter.DoubleToInt64Bits(_double);
                    var exponent = (int)((bits >> 52) & 0x7FF);
                    var mantissa = bits & 0xFFFFFFFFFFFFFL;
                    if (exponent == 0)
                    {
                        exponent = 1;
                    }
                    else
                    {
                        mantissa |= 1L << 52;
                    }

                    return new Exact(ExactKind.Finite, _double < 0 ? -1 : 1, mantissa, exponent - 1075, 0);
                }

            default:
                {
                    if (Decimal128.IsNaN(_decimal))
                    {
                        return new Exact(ExactKind.NaN, 0, default, 0, 0);
                    }

                    if (Decimal128.IsInfinity(_decimal))
                    {
                        return new Exact(Decimal128.IsNegative(_decimal) ? ExactKind.NegativeInfinity : ExactKind.PositiveInfinity, 0, default, 0, 0);
                    }

                    var high = _decimal.GetIEEEHighBits();
                    var low = _decimal.GetIEEELowBits();
                    var negative = (high >> 63) != 0;
                    int exponent;
                    UInt128 coefficient;
                    if (((high >> 61) & 3) == 3)
                    {
                        // The large-coefficient form always exceeds 10^34 - 1, which the standard treats as zero.
                        exponent = (int)((high >> 47) & 0x3FFF);
                        coefficient = 0;
                    }
                    else
                    {
                        exponent = (int)((high >> 49) & 0x3FFF);
                        coefficient = new UInt128(high & 0x1FFFFFFFFFFFFUL, low);
                        if (coefficient > MaxDecimalCoefficient)
                        {
                            coefficient = 0;
                        }
                    }

                    var magnitude = (BigInteger)coefficient;
                    return new Exact(ExactKind.Finite, magnitude.IsZero ? 0 : (negative ? -1 : 1), magnitude, 0, exponent - 6176);
                }
        }
    }

    private static readonly UInt128 MaxDecimalCoefficient = UInt128.Parse("9999999999999999999999999999999999", System.Globalization.CultureInfo.InvariantCulture);

    private static int CompareExact(Exact left, Exact right)
    {
        var lr = left.Rank;
        var rr = right.Rank;
        if (lr != rr || left.Kind != ExactKind.Finite)
        {
            return lr.CompareTo(rr);
        }

        if (left.Sign != right.Sign)
        {
            return left.Sign.CompareTo(right.Sign);
        }

        if (left.Sign == 0)
        {
            return 0;
        }

        var magnitude = CompareMagnitudes(left, right);
        return left.Sign > 0 ? magnitude : -magnitude;
    }

    private static int CompareMagnitudes(Exact left, Exact right)
    {
        var min2 = Math.Min(left.Power2, right.Power2);
        var min10 = Math.Min(left.Power10, right.Power10);
        var a = left.Magnitude * BigInteger.Pow(2, left.Power2 - min2) * BigInteger.Pow(10, left.Power10 - min10);
        var b = right.Magnitude * BigInteger.Pow(2, right.Power2 - min2) * BigInteger.Pow(10, right.Power10 - min10);
        return a.CompareTo(b);
    }

    private enum ExactKind : byte
    {
        NaN,
        NegativeInfinity,
        Finite,
        PositiveInfinity,
    }

    /// <summary>sign * magnitude * 2^power2 * 10^power10, or a special value.</summary>
    private readonly record struct Exact(ExactKind Kind, int Sign, BigInteger Magnitude, int Power2, int Power10)
    {
        public int Rank => (int)Kind;
    }
}
