namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>A spool record failed its checksum where no crash can have cut it: the file was damaged after it was written.</summary>
public sealed class SpoolCorruptedException(string file, long offset, string reason)
    : MigrationException($"The change spool file {file} is damaged at byte {offset} ({reason}). The changes it held cannot be applied: start the online migration anew (copy again), and check the disk of the work folder.")
{
    public string File { get; } = file;

    public long Offset { get; } = offset;
}
