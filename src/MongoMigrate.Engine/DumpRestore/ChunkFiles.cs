using MongoMigrate.Engine.Dumps;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.DumpRestore;

/// <summary>Where a job keeps its chunk files: chunks/&lt;db&gt;/&lt;escaped collection&gt;/&lt;index&gt;.bson[.gz] under the job folder.</summary>
public sealed class ChunkFiles(string jobDirectory)
{
    public string JobDirectory { get; } = jobDirectory;

    /// <summary>The file name relative to the job folder, as stored in the job state.</summary>
    public static string RelativePath(NamespaceName ns, int index, bool gzip) =>
        Path.Combine("chunks", ns.Database, CollectionNameEscaping.FileStem(ns.Collection), $"{index:D6}.bson{(gzip ? ".gz" : string.Empty)}");

    public string FullPath(string relativePath) => Path.Combine(JobDirectory, relativePath);

    public void Delete(string relativePath)
    {
        var path = FullPath(relativePath);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>Free bytes on the volume of the job folder.</summary>
    public long AvailableBytes()
    {
        Directory.CreateDirectory(JobDirectory);
        return new DriveInfo(Path.GetFullPath(JobDirectory)).AvailableFreeSpace;
    }
}
