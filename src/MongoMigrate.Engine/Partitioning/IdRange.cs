using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Partitioning;

/// <summary>
/// A half-open range of _id values inside one type bracket: lower bound included, upper bound excluded,
/// either side open when null. In the number bracket, NaN (which no range bound includes) gets a range
/// of its own, so ranges built from the same sorted boundaries cover every document exactly once.
/// </summary>
public sealed record IdRange
{
    public required IdBracket Bracket { get; init; }

    /// <summary>Inclusive lower bound; null from the start of the bracket.</summary>
    public RawBsonValue? Lower { get; init; }

    /// <summary>Exclusive upper bound; null to the end of the bracket.</summary>
    public RawBsonValue? Upper { get; init; }

    /// <summary>This range is exactly the NaN values of the number bracket.</summary>
    public bool IsNaN { get; init; }

    /// <summary>This range is the whole collection (a small collection copied as one chunk).</summary>
    public bool IsWholeCollection { get; init; }

    public static IdRange WholeCollection { get; } = new() { Bracket = IdBracket.MinKey, IsWholeCollection = true };

    /// <summary>The filter that selects this range: {_id: {$type: [...], $gte: lower, $lt: upper}}.</summary>
    public RawDocument ToFilter()
    {
        var builder = new BsonBuilder(64).StartDocument();
        if (IsWholeCollection)
        {
            return builder.End().ToDocument();
        }

        if (IsNaN)
        {
            return builder.Double("_id", double.NaN).End().ToDocument();
        }

        builder.StartDocument("_id").StartArray("$type");
        var codes = IdBrackets.TypeCodes(Bracket);
        for (var i = 0; i < codes.Count; i++)
        {
            builder.Int32(BsonBuilder.Index(i), codes[i]);
        }

        builder.End();
        if (Lower is { } lower)
        {
            builder.Value("$gte", lower);
        }
        else if (Bracket == IdBracket.Number)
        {
            // Keeps NaN out of the first number range; NaN has its own range.
            builder.Double("$gte", double.NegativeInfinity);
        }

        if (Upper is { } upper)
        {
            builder.Value("$lt", upper);
        }

        return builder.End().End().ToDocument();
    }

    /// <summary>A short text for progress displays and logs.</summary>
    public override string ToString() => IsWholeCollection ? "all"
        : IsNaN ? "_id NaN"
        : $"{Bracket} [{(Lower is { } l ? BsonDebugText.Format(l) : "start")}, {(Upper is { } u ? BsonDebugText.Format(u) : "end")})";
}
