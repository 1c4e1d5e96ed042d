namespace MongoMigrate.Engine.Migration;

/// <summary>How chunks travel from source to target.</summary>
public enum CopyMethod
{
    /// <summary>Each chunk is dumped to a file in the work folder, then restored from it (resumable at chunk granularity on disk).</summary>
    DumpRestore,

    /// <summary>Each chunk's cursor feeds insertion workers through a bounded buffer; nothing touches the disk.</summary>
    Direct,
}
