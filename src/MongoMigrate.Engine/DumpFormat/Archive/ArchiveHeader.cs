namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>The archive's header document: how many collections were dumped concurrently, format, server and tool versions.</summary>
public sealed record ArchiveHeader(int ConcurrentCollections, string ServerVersion, string ToolVersion, string FormatVersion = ArchiveFormat.FormatVersion)
{
    /// <summary>
    /// Who the dumped deployment is (JSON, written by mongomigrate; mongorestore ignores the field), so that a restore
    /// can refuse to write into the deployment that a dump streamed to it is still reading. Null in other archives.
    /// </summary>
    public string? SourceDeployment { get; init; }
}
