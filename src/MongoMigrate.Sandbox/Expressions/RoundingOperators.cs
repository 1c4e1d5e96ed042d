using System.Globalization;
using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>
/// $round (half to even, as mongod rounds) and $trunc (toward zero), with an optional place between -20 and 100:
/// the result keeps the number's type (an int that no longer fits becomes a long); null or missing gives null.
/// A double is taken at 17 significant digits, so 2.675 (2.67499999999999982...) rounds to 2.67 as on the server.
/// </summary>
internal static class RoundingOperators
{
    private const double LargestFractionalDouble = 9007199254740992.0;

    public static RawBsonValue Round(Expression[] arguments, in EvaluationContext context) => Apply(arguments, context, "$round", MidpointRounding.ToEven);

    public static RawBsonValue Trunc(Expression[] arguments, in EvaluationContext context) => Apply(arguments, context, "$trunc", MidpointRounding.ToZero);

    private static RawBsonValue Apply(Expression[] arguments, in EvaluationContext context, string name, MidpointRounding mode)
    {
        var number = arguments[0].Evaluate(context);
        var place = 0;
        if (arguments.Length > 1)
        {
            var given = arguments[1].Evaluate(context);
            if (ArithmeticOperators.IsNullish(given))
            {
                return BsonValues.Null;
            }

            if (!given.IsNumeric || given.ToDouble() is var p && (p != Math.Floor(p) || p < -20 || p >= 100))
            {
                throw new CommandException(51083, $"{name} requires \"place\" argument to be an integer between -20 and 100, but got {BsonDebugText.Format(given)}");
            }

            place = (int)p;
        }

        if (ArithmeticOperators.IsNullish(number))
        {
            return BsonValues.Null;
        }

        switch (number.Type)
        {
            case BsonTypeCode.Int32:
            case BsonTypeCode.Int64:
                {
                    if (place >= 0)
                    {
                        return number;
                    }

                    var rounded = (long)RoundDecimal(number.Type == BsonTypeCode.Int32 ? number.AsInt32 : number.AsInt64, place, mode);
                    return number.Type == BsonTypeCode.Int32 && rounded is >= int.MinValue and <= int.MaxValue ? BsonValues.Int32((int)rounded) : BsonValues.Int64(rounded);
                }

            case BsonTypeCode.Double:
                {
                    var d = number.AsDouble;
                    if (!double.IsFinite(d) || (place >= 0 && Math.Abs(d) >= LargestFractionalDouble) || Math.Abs(d) >= 7.9e27)
                    {
                        return number;
                    }

                    var exact = decimal.Parse(d.ToString("G17", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
                    return BsonValues.Double((double)RoundDecimal(exact, place, mode));
                }

            case BsonTypeCode.Decimal128:
                {
                    var value = number.AsDecimal128;
                    if (Decimal128.IsNaN(value) || Decimal128.IsInfinity(value))
                    {
                        return number;
                    }

                    decimal exact;
                    try
                    {
                        exact = Decimal128.ToDecimal(value);
                    }
                    catch (OverflowException)
                    {
                        // Past decimal's 7.9e28 a Decimal128 with 34 digits has no digit left right of the point.
                        return number;
                    }

                    return BsonValues.Decimal128(new Decimal128(RoundDecimal(exact, place, mode)));
                }

            default:
                throw new CommandException(51081, $"{name} only supports numeric types, not {BsonValues.TypeName(number.Type)}");
        }
    }

    private static decimal RoundDecimal(decimal value, int place, MidpointRounding mode)
    {
        if (place >= 0)
        {
            return place > 28 ? value : Math.Round(value, place, mode);
        }

        var factor = 1m;
        for (var i = 0; i < -place; i++)
        {
            factor *= 10;
        }

        return Math.Round(value / factor, 0, mode) * factor;
    }
}
