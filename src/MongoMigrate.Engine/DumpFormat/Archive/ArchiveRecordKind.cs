namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>What <see cref="ArchiveReader.ReadAsync"/> moved to.</summary>
public enum ArchiveRecordKind
{
    /// <summary>A document of <see cref="ArchiveReader.Namespace"/>.</summary>
    Document,

    /// <summary>The namespace's EOF block: no more documents will come for it, and its CRC matched.</summary>
    NamespaceEnd,
}
