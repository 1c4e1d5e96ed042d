using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>One record read back from the spool: its sequence number, its kind and its bytes (owned by the record).</summary>
public sealed record SpoolRecord(long Sequence, SpoolRecordKind Kind, RawDocument Payload)
{
    /// <summary>The resume token this record stands for: the event's _id, or the progress token itself.</summary>
    public RawDocument Token => Kind == SpoolRecordKind.Event ? Payload["_id"].AsDocument : Payload;
}
