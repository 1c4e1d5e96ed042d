using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$mod: numbers (doubles and decimals truncated) whose remainder by the divisor is the given one.</summary>
internal sealed class ModPredicate(long divisor, long remainder) : ValuePredicate
{
    public override bool Matches(RawBsonValue value)
    {
        long dividend;
        switch (value.Type)
        {
            case BsonTypeCode.Int32:
                dividend = value.AsInt32;
                break;
            case BsonTypeCode.Int64:
                dividend = value.AsInt64;
                break;
            case BsonTypeCode.Double:
                {
                    var d = Math.Truncate(value.AsDouble);
                    if (!double.IsFinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
                    {
                        return false;
                    }

                    dividend = (long)d;
                    break;
                }

            case BsonTypeCode.Decimal128:
                {
                    var dec = value.AsDecimal128;
                    if (MongoDB.Bson.Decimal128.IsNaN(dec) || MongoDB.Bson.Decimal128.IsInfinity(dec))
                    {
                        return false;
                    }

                    try
                    {
                        dividend = (long)decimal.Truncate(MongoDB.Bson.Decimal128.ToDecimal(dec));
                    }
                    catch (OverflowException)
                    {
                        return false;
                    }

                    break;
                }

            default:
                return false;
        }

        // long.MinValue % -1 overflows in .NET; the mathematical remainder is 0.
        var result = divisor == -1 ? 0 : dividend % divisor;
        return result == remainder;
    }
}
