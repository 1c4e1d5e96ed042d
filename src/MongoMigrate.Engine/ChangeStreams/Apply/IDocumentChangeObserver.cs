using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Told of every document change the applier deals to a lane (after its collection's copy), in spool order, from
/// the applier's one dispatching thread: what a cutover must recheck, or what a continuous verifier queues.
/// </summary>
public interface IDocumentChangeObserver
{
    /// <param name="source">The source namespace of the changed document.</param>
    /// <param name="id">Its _id (bytes of its own, which may be kept).</param>
    void Changed(NamespaceName source, RawBsonValue id);
}
