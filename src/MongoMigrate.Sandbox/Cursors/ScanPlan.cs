using MongoMigrate.Bson;

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
}
