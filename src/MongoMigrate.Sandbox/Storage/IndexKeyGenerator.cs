using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>Index keys for unique secondary indexes.</summary>
internal sealed class IndexKeyGenerator : IIndexKeyGenerator
{
    public List<RawDocument> GetKeys(IndexDefinition index, RawDocument document) =>
        throw new CommandException(ServerErrorCode.CannotCreateIndex, "unique secondary indexes are not supported by this sandbox build");

    public void Validate(IndexDefinition index)
    {
        if (index.Unique && !index.IsIdIndex)
        {
            throw new CommandException(ServerErrorCode.CannotCreateIndex, "unique secondary indexes are not supported by this sandbox build");
        }
    }
}
