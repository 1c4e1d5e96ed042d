namespace MongoMigrate.Sandbox.Query;

/// <summary>The comparison operators of a filter.</summary>
internal enum ComparisonKind
{
    Equal,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}
