using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>The documents of one reply batch, whether the cursor has more, and (change streams) the resume token after it.</summary>
internal sealed record CursorBatch(List<RawDocument> Documents, bool Exhausted)
{
    public RawDocument? PostBatchResumeToken { get; init; }
}
