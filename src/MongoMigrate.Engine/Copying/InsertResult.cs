namespace MongoMigrate.Engine.Copying;

/// <summary>What one batch insert did: documents written, and documents whose _id was already on the target.</summary>
public readonly record struct InsertResult(long Inserted, long AlreadyPresent)
{
    public static InsertResult operator +(InsertResult left, InsertResult right) =>
        new(left.Inserted + right.Inserted, left.AlreadyPresent + right.AlreadyPresent);
}
