namespace MongoMigrate.Engine.Dumps;

/// <summary>The archive's header document: how many collections were dumped concurrently, format, server and tool versions.</summary>
public sealed record ArchiveHeader(int ConcurrentCollections, string ServerVersion, string ToolVersion, string FormatVersion = ArchiveFormat.FormatVersion);
