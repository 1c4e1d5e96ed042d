namespace MongoMigrate.Engine.Copying;

/// <summary>
/// What one batch insert did: documents written, documents whose _id was already on the target with the same bytes,
/// and documents whose _id was there with other bytes, replaced.
/// </summary>
public readonly record struct InsertResult(long Inserted, long AlreadyPresent, long Replaced = 0)
{
    public static InsertResult operator +(InsertResult left, InsertResult right) =>
        new(left.Inserted + right.Inserted, left.AlreadyPresent + right.AlreadyPresent, left.Replaced + right.Replaced);
}
