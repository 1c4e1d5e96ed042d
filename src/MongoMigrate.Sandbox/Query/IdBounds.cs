using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// Where in a sorted <c>_id</c> index the documents a filter can match must lie: either a list of point
/// values (equality or $in), or a range with optional lower and upper ends. Values compare in
/// <see cref="BsonOrder"/>, so a point 1 also stands for 1.0 and 1L: seek the whole equal range. The bounds
/// only narrow the scan; every candidate must still pass <see cref="QueryFilter.Matches"/>.
/// </summary>
public sealed class IdBounds
{
    private IdBounds(IReadOnlyList<RawBsonValue>? points, RawBsonValue? lower, bool lowerInclusive, RawBsonValue? upper, bool upperInclusive)
    {
        Points = points;
        Lower = lower;
        LowerInclusive = lowerInclusive;
        Upper = upper;
        UpperInclusive = upperInclusive;
    }

    /// <summary>Distinct point values in ascending order, or null when the bounds are a range.</summary>
    public IReadOnlyList<RawBsonValue>? Points { get; }

    public bool IsPoints => Points is not null;

    /// <summary>The lower end of a range; null when unbounded below.</summary>
    public RawBsonValue? Lower { get; }

    public bool LowerInclusive { get; }

    /// <summary>The upper end of a range; null when unbounded above.</summary>
    public RawBsonValue? Upper { get; }

    public bool UpperInclusive { get; }

    /// <summary>True when no _id can satisfy the bounds (an empty $in, or a range whose ends cross).</summary>
    public bool IsEmpty
    {
        get
        {
            if (Points is not null)
            {
                return Points.Count == 0;
            }

            if (Lower is null || Upper is null)
            {
                return false;
            }

            var c = BsonOrder.CompareValues(Lower.Value, Upper.Value);
            return c > 0 || (c == 0 && !(LowerInclusive && UpperInclusive));
        }
    }

    public static IdBounds ForPoints(IEnumerable<RawBsonValue> points)
    {
        var sorted = new List<RawBsonValue>(points);
        sorted.Sort(BsonOrder.Instance);
        var distinct = new List<RawBsonValue>(sorted.Count);
        foreach (var point in sorted)
        {
            if (distinct.Count == 0 || BsonOrder.CompareValues(distinct[^1], point) != 0)
            {
                distinct.Add(point);
            }
        }

        return new IdBounds(distinct, null, false, null, false);
    }

    public static IdBounds ForRange(RawBsonValue? lower, bool lowerInclusive, RawBsonValue? upper, bool upperInclusive) =>
        new(null, lower, lowerInclusive, upper, upperInclusive);

    /// <summary>Whether an _id value lies within the bounds.</summary>
    public bool Contains(RawBsonValue id)
    {
        if (Points is not null)
        {
            foreach (var point in Points)
            {
                if (BsonOrder.CompareValues(point, id) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        if (Lower is { } lower)
        {
            var c = BsonOrder.CompareValues(id, lower);
            if (c < 0 || (c == 0 && !LowerInclusive))
            {
                return false;
            }
        }

        if (Upper is { } upper)
        {
            var c = BsonOrder.CompareValues(id, upper);
            if (c > 0 || (c == 0 && !UpperInclusive))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The bounds both of these allow.</summary>
    internal static IdBounds Intersect(IdBounds left, IdBounds right)
    {
        if (left.Points is not null || right.Points is not null)
        {
            var points = left.Points ?? right.Points!;
            var other = left.Points is null ? left : right;
            if (left.Points is not null && right.Points is not null)
            {
                other = right;
                points = left.Points;
            }

            var kept = new List<RawBsonValue>();
            foreach (var point in points)
            {
                if (other.Contains(point))
                {
                    kept.Add(point);
                }
            }

            return ForPoints(kept);
        }

        var (lower, lowerInclusive) = (left.Lower, left.LowerInclusive);
        if (right.Lower is { } rl)
        {
            var c = lower is null ? -1 : BsonOrder.CompareValues(lower.Value, rl);
            if (c < 0 || (c == 0 && !right.LowerInclusive))
            {
                (lower, lowerInclusive) = (rl, right.LowerInclusive);
            }
        }

        var (upper, upperInclusive) = (left.Upper, left.UpperInclusive);
        if (right.Upper is { } ru)
        {
            var c = upper is null ? 1 : BsonOrder.CompareValues(upper.Value, ru);
            if (c > 0 || (c == 0 && !right.UpperInclusive))
            {
                (upper, upperInclusive) = (ru, right.UpperInclusive);
            }
        }

        return ForRange(lower, lowerInclusive, upper, upperInclusive);
    }

    /// <summary>The range one comparison allows, kept within the operand's type bracket as the server does.</summary>
    internal static IdBounds? FromComparison(ComparisonKind kind, RawBsonValue operand)
    {
        if (kind == ComparisonKind.Equal)
        {
            return ForPoints([operand]);
        }

        if (operand.Type is BsonTypeCode.Null or BsonTypeCode.Undefined)
        {
            return null;
        }

        var canonical = BsonOrder.CanonicalType(operand.Type);
        var extreme = operand.Type is BsonTypeCode.MinKey or BsonTypeCode.MaxKey;
        return kind switch
        {
            ComparisonKind.GreaterThan or ComparisonKind.GreaterThanOrEqual => ForRange(
                operand,
                kind == ComparisonKind.GreaterThanOrEqual,
                extreme ? null : TypeBrackets.NextBracketStart(canonical),
                false),
            _ => ForRange(
                extreme ? null : TypeBrackets.BracketStart(canonical),
                true,
                operand,
                kind == ComparisonKind.LessThanOrEqual),
        };
    }

    /// <summary>The range of one type bracket ($type: "objectId"); null when the types span several brackets.</summary>
    internal static IdBounds? FromTypes(IReadOnlySet<BsonTypeCode> types)
    {
        int? canonical = null;
        foreach (var type in types)
        {
            var c = BsonOrder.CanonicalType(type);
            if (canonical is not null && canonical != c)
            {
                return null;
            }

            canonical = c;
        }

        if (canonical is null || TypeBrackets.BracketStart(canonical.Value) is not { } start)
        {
            return null;
        }

        return ForRange(start, true, TypeBrackets.NextBracketStart(canonical.Value), false);
    }

    public override string ToString() => Points is not null
        ? "points [" + string.Join(", ", Points.Select(p => BsonDebugText.Format(p))) + "]"
        : $"{(LowerInclusive ? "[" : "(")}{(Lower is null ? "-inf" : BsonDebugText.Format(Lower.Value))}, {(Upper is null ? "+inf" : BsonDebugText.Format(Upper.Value))}{(UpperInclusive ? "]" : ")")}";
}
