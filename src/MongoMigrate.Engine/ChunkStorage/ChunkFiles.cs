using System.IO.Compression;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChunkStorage;

/// <summary>Where a job keeps its chunk files: chunks/&lt;db&gt;/&lt;escaped collection&gt;/&lt;index&gt;.bson[.gz] under the job folder.</summary>
public sealed class ChunkFiles
{
    private const string Folder = "chunks";

    private readonly IChunkFileSystem _fileSystem;

    public ChunkFiles(string jobDirectory)
        : this(jobDirectory, LocalChunkFileSystem.Instance)
    {
    }

    internal ChunkFiles(string jobDirectory, IChunkFileSystem fileSystem)
    {
        JobDirectory = jobDirectory;
        _fileSystem = fileSystem;
    }

    public string JobDirectory { get; }

    /// <summary>The file name relative to the job folder, as stored in the job state.</summary>
    public static string RelativePath(NamespaceName ns, int index, bool gzip) =>
        Path.Combine(Folder, ns.Database, CollectionNameEscaping.FileStem(ns.Collection), $"{index:D6}.bson{(gzip ? ".gz" : string.Empty)}");

    public string FullPath(string relativePath) => Path.Combine(JobDirectory, relativePath);

    /// <summary>Starts a chunk file; it gets its final name only when completed.</summary>
    public BsonFileWriter CreateWriter(string relativePath, bool gzip) =>
        BsonFileWriter.Create(FullPath(relativePath), gzip, CompressionLevel.Fastest, validateDocuments: false, _fileSystem.CreateFile);

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
        return _fileSystem.AvailableBytes(JobDirectory);
    }

    /// <summary>
    /// Deletes every file under the chunk folder that <paramref name="keep"/> does not name: partial files of a
    /// killed dump, files renamed just before a kill but never recorded, files of chunks restored just before
    /// a kill. Only safe under the job's lock, before any dump starts. Returns the files deleted.
    /// </summary>
    public int DeleteOrphans(IEnumerable<string> keep)
    {
        var root = Path.Combine(JobDirectory, Folder);
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var kept = new HashSet<string>(keep.Select(k => Path.GetFullPath(FullPath(k))), StringComparer.Ordinal);
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (!kept.Contains(Path.GetFullPath(file)))
            {
                File.Delete(file);
                deleted++;
            }
        }

        return deleted;
    }
}
