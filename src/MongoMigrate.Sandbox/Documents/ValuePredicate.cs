using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>A test of one candidate value (possibly missing), the unit a path-based filter is built from.</summary>
public abstract class ValuePredicate
{
    /// <summary>
    /// Whether an array at the end of the path offers its elements as candidates (then itself). $size and
    /// $elemMatch look at the array alone.
    /// </summary>
    public virtual bool TraverseLeafArrays => true;

    public abstract bool Matches(RawBsonValue value);
}
