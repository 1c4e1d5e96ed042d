using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>One document event translated to its write: the target namespace, the document's _id and what to send.</summary>
/// <param name="Source">The namespace on the source (re-reads go there).</param>
/// <param name="Target">The namespace on the target, after renames.</param>
/// <param name="Id">The document's _id, as a raw BSON value.</param>
/// <param name="Kind">The write.</param>
/// <param name="Body">The full document (Replace) or the update document (Update); empty otherwise.</param>
/// <param name="ClusterTime">The event's cluster time.</param>
public sealed record ApplyOperation(NamespaceName Source, NamespaceName Target, RawBsonValue Id, ApplyOperationKind Kind, RawDocument Body, ulong ClusterTime)
{
    /// <summary>Bytes the operation adds to a write command (roughly).</summary>
    public int Size => Body.Length + Id.Bytes.Length + 64;

    /// <summary>Whether this write alone decides the document's state (so an earlier write of the same key in a batch can be dropped).</summary>
    public bool IsWholeState => Kind is not ApplyOperationKind.Update;

    /// <summary>The same document, from the source, at apply time.</summary>
    public ApplyOperation AsRefresh() => this with { Kind = ApplyOperationKind.Refresh, Body = RawDocument.Empty };
}
