namespace MongoMigrate.Datasets;

/// <summary>The _id type a generated collection uses.</summary>
public enum IdKind
{
    ObjectId,
    Int64,
    String,
    Uuid,

    /// <summary>A mix of ObjectIds, numbers of every type, strings, UUIDs, dates and embedded documents.</summary>
    Mixed,
}
