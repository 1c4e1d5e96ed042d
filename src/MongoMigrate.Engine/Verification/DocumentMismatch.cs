namespace MongoMigrate.Engine.Verification;

/// <summary>How one document differs between the two sides.</summary>
public enum MismatchKind
{
    /// <summary>On the source, not on the target.</summary>
    Missing,

    /// <summary>On the target, not on the source.</summary>
    Extra,

    /// <summary>The same _id with other bytes.</summary>
    Different,
}

/// <summary>One document that differs: its _id (as extended JSON-like text) and, when it differs, where first.</summary>
public sealed record DocumentMismatch(MismatchKind Kind, string Id, string? Path = null)
{
    /// <summary>The _id's own bytes (a copy), so that the document can be read again by it; not part of a report.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public MongoMigrate.Bson.RawBsonValue? Key { get; init; }

    /// <summary>Two mismatches are the same when they say the same: the key is a means to repair, not part of what differs.</summary>
    public bool Equals(DocumentMismatch? other) => other is not null && Kind == other.Kind && Id == other.Id && Path == other.Path;

    public override int GetHashCode() => HashCode.Combine(Kind, Id, Path);

    public override string ToString() => Kind switch
    {
        MismatchKind.Missing => $"missing on the target: _id {Id}",
        MismatchKind.Extra => $"only on the target: _id {Id}",
        _ => $"different bytes: _id {Id}, first at {Path}",
    };
}
