namespace MongoMigrate.Engine.ChunkStorage;

/// <summary>The two ways the engine meets the disk of its work folder: how much room is left, and the stream a chunk file is written through. Tests replace it to fill a disk without root.</summary>
internal interface IChunkFileSystem
{
    long AvailableBytes(string directory);

    Stream CreateFile(string path);
}

/// <summary>The real disk.</summary>
internal sealed class LocalChunkFileSystem : IChunkFileSystem
{
    public static LocalChunkFileSystem Instance { get; } = new();

    public long AvailableBytes(string directory) => new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;

    public Stream CreateFile(string path) => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
}
