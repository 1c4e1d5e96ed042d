using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>Produces the keys a document contributes to an index, as documents named after the key pattern's fields.</summary>
internal interface IIndexKeyGenerator
{
    /// <summary>The distinct keys of <paramref name="document"/> for <paramref name="index"/>; none when a sparse or partial index skips it.</summary>
    List<RawDocument> GetKeys(IndexDefinition index, RawDocument document);

    /// <summary>Checks that an index can be built (supported key types, valid partial filter); throws CommandException otherwise.</summary>
    void Validate(IndexDefinition index);
}
