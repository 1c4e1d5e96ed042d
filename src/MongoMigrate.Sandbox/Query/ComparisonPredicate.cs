using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

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
