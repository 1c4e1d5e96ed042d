using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>State shared by one application of an operator update to one document.</summary>
internal sealed class ApplyState(UpdateContext context, bool isInsert, DocumentNode root, RawBsonValue id, IReadOnlyDictionary<string, ArrayFilter> arrayFilters)
{
    public UpdateContext Context { get; } = context;

    public bool IsInsert { get; } = isInsert;

    public DocumentNode Root { get; } = root;

    public IReadOnlyDictionary<string, ArrayFilter> ArrayFilters { get; } = arrayFilters;

    /// <summary>"{_id: 1}", as the server names the document in error messages.</summary>
    public string IdDocument => Id.IsMissing() ? "{no id}" : BsonValues.DescribeField("_id", Id);

    /// <summary>"_id: 1" without braces.</summary>
    public string IdElement => Id.IsMissing() ? "no id" : BsonValues.Describe("_id", Id);

    private RawBsonValue Id { get; } = id;
}
