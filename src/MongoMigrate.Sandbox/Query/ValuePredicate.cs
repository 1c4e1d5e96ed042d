using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>A test of one candidate value (possibly missing), the unit a path-based filter is built from.</summary>
public abstract class ValuePredicate
{
    /// <summary>
    /// Whether an array at the end of the path offers its elements as candidates (then itself). $size and
    /// $elemMatch look at the array alone.
    /// </summary>
    public virtual bool TraverseLeafArrays => true;

    public abstract bool Matches(RawBsonValue value);
}

/// <summary>The comparison operators of a filter.</summary>
internal enum ComparisonKind
{
    Equal,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}

/// <summary>$eq, $lt, $lte, $gt, $gte: only values of the same type bracket compare, as on the server.</summary>
internal sealed class ComparisonPredicate : ValuePredicate
{
    public ComparisonPredicate(ComparisonKind kind, RawBsonValue operand)
    {
        if (operand.Type == BsonTypeCode.Undefined)
        {
            throw new CommandException(ServerErrorCode.BadValue, "cannot compare to undefined");
        }

        Kind = kind;
        Operand = operand;
        _operandCanonical = BsonOrder.CanonicalType(operand.Type);
        _operandIsNaN = IsNaN(operand);
    }

    private readonly int _operandCanonical;
    private readonly bool _operandIsNaN;

    public ComparisonKind Kind { get; }

    public RawBsonValue Operand { get; }

    public override bool Matches(RawBsonValue value)
    {
        if (value.Type != Operand.Type)
        {
            var canonical = BsonOrder.CanonicalType(value.Type);
            if (canonical != _operandCanonical)
            {
                // Null, undefined and missing are one value to comparisons.
                if (canonical + _operandCanonical == 5)
                {
                    return Kind is ComparisonKind.Equal or ComparisonKind.LessThanOrEqual or ComparisonKind.GreaterThanOrEqual;
                }

                return Operand.Type switch
                {
                    BsonTypeCode.MaxKey => Kind is ComparisonKind.LessThan or ComparisonKind.LessThanOrEqual,
                    BsonTypeCode.MinKey => Kind is ComparisonKind.GreaterThan or ComparisonKind.GreaterThanOrEqual,
                    _ => false,
                };
            }
        }

        if (Kind == ComparisonKind.Equal)
        {
            if (value.Type == BsonTypeCode.String && Operand.Type == BsonTypeCode.String)
            {
                return value.Span.SequenceEqual(Operand.Span);
            }
        }
        else if (_operandIsNaN || IsNaN(value))
        {
            var both = _operandIsNaN && IsNaN(value);
            return Kind is ComparisonKind.LessThanOrEqual or ComparisonKind.GreaterThanOrEqual && both;
        }

        var c = BsonOrder.CompareValues(value, Operand);
        return Kind switch
        {
            ComparisonKind.Equal => c == 0,
            ComparisonKind.LessThan => c < 0,
            ComparisonKind.LessThanOrEqual => c <= 0,
            ComparisonKind.GreaterThan => c > 0,
            _ => c >= 0,
        };
    }

    internal static bool IsNaN(RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.Double => double.IsNaN(value.AsDouble),
        BsonTypeCode.Decimal128 => MongoDB.Bson.Decimal128.IsNaN(value.AsDecimal128),
        _ => false,
    };
}

/// <summary>$in: equality with any listed value (a null in the list also matches missing and undefined), or any listed regex.</summary>
internal sealed class InPredicate : ValuePredicate
{
    private readonly HashSet<RawBsonValue> _values;
    private readonly RegexPredicate[] _regexes;
    private readonly bool _hasNull;

    public InPredicate(IReadOnlyList<RawBsonValue> values, IReadOnlyList<RegexPredicate> regexes)
    {
        _values = new HashSet<RawBsonValue>(values, BsonOrder.Instance);
        _regexes = [.. regexes];
        foreach (var value in values)
        {
            _hasNull |= value.Type == BsonTypeCode.Null;
        }

        Values = values;
    }

    public IReadOnlyList<RawBsonValue> Values { get; }

    public bool HasRegexes => _regexes.Length > 0;

    public override bool Matches(RawBsonValue value)
    {
        if (_hasNull && value.Type is BsonTypeCode.EndOfDocument or BsonTypeCode.Undefined)
        {
            return true;
        }

        if (_values.Count > 0 && _values.Contains(value))
        {
            return true;
        }

        foreach (var regex in _regexes)
        {
            if (regex.Matches(value))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>$exists: true for any value that is present.</summary>
internal sealed class ExistsPredicate : ValuePredicate
{
    public static ExistsPredicate Instance { get; } = new();

    public override bool Matches(RawBsonValue value) => !value.IsMissing();
}

/// <summary>$size: an array with exactly that many elements.</summary>
internal sealed class SizePredicate(int size) : ValuePredicate
{
    public override bool TraverseLeafArrays => false;

    public override bool Matches(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            return false;
        }

        var count = 0;
        foreach (var _ in value.AsDocument)
        {
            if (++count > size)
            {
                return false;
            }
        }

        return count == size;
    }
}

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

/// <summary>$type: values whose BSON type is in the set ("number" stands for all four numeric types).</summary>
internal sealed class TypePredicate(IReadOnlySet<BsonTypeCode> types) : ValuePredicate
{
    public IReadOnlySet<BsonTypeCode> Types { get; } = types;

    public override bool Matches(RawBsonValue value) => !value.IsMissing() && Types.Contains(value.Type);
}

/// <summary>Matches nothing (an empty $all) or everything.</summary>
internal sealed class ConstantPredicate(bool result) : ValuePredicate
{
    public override bool Matches(RawBsonValue value) => result;
}
