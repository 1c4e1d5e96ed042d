using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>A predicate applied to the candidate values of a path: the document matches if any candidate does.</summary>
internal sealed class PathMatchNode(FieldPath path, ValuePredicate predicate) : MatchNode
{
    public FieldPath Path { get; } = path;

    public ValuePredicate Predicate { get; } = predicate;

    public override bool Matches(RawDocument document) => Path.AnyCandidate(document, Predicate);
}
