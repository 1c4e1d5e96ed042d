using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>How a collection scan runs: _id bounds or points to seek, the filter, skip, limit, projection and direction.</summary>
internal sealed record ScanPlan
{
    /// <summary>Inclusive lower and upper _id bounds to seek; null is unbounded. The filter still checks every candidate.</summary>
    public RawBsonValue? Lower { get; init; }

    public RawBsonValue? Upper { get; init; }

    /// <summary>Exact _id values to look up, in scan order (for $in and equality).</summary>
    public IReadOnlyList<RawBsonValue>? PointIds { get; init; }

    public bool Descending { get; init; }

    /// <summary>No sort was requested: capped collections then return insertion order.</summary>
    public bool NaturalOrder { get; init; } = true;

    public Func<RawDocument, bool> Matches { get; init; } = static _ => true;

    public Func<RawDocument, RawDocument> Project { get; init; } = static d => d;

    public long Skip { get; init; }

    /// <summary>Maximum documents returned over the cursor's life; 0 is no limit.</summary>
    public long Limit { get; init; }

    /// <summary>This plan with the _id seek the filter allows: points for equality and $in, a range for comparisons.</summary>
    public ScanPlan WithIdBounds(QueryFilter filter)
    {
        if (!filter.TryGetIdBounds(out var bounds))
        {
            return this;
        }

        if (bounds.IsEmpty)
        {
            return this with { PointIds = [] };
        }

        return bounds.IsPoints
            ? this with { PointIds = Descending ? bounds.Points!.Reverse().ToList() : bounds.Points }
            : this with { Lower = bounds.Lower, Upper = bounds.Upper };
    }
}
