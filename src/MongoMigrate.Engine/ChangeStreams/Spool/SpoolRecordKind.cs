namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>What a spool record holds.</summary>
public enum SpoolRecordKind : byte
{
    /// <summary>A change event, raw, as the source sent it.</summary>
    Event = 1,

    /// <summary>A post-batch resume token of a batch without events: how far the source has looked while idle.</summary>
    Progress = 2,
}
