using System.Buffers.Binary;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>Constants of the mongodump archive format (as mongo-tools writes and documents it) and the blocks it is made of.</summary>
public static class ArchiveFormat
{
    /// <summary>The first four bytes of every archive: 6D E2 99 81.</summary>
    public const uint MagicNumber = 0x8199E26D;

    /// <summary>The four bytes FF FF FF FF that end the prelude and every block, read as an int32.</summary>
    public const int Terminator = -1;

    public const int MinDocumentSize = 5;

    /// <summary>The largest length the archive parser accepts (mongo-tools' db.MaxBSONSize).</summary>
    public const int MaxDocumentSize = 16 * 1024 * 1024;

    public const string FormatVersion = "0.1";

    /// <summary>The oplog's namespace in an archive: db "" and collection "oplog".</summary>
    public const string OplogCollection = "oplog";


    internal static ReadOnlySpan<byte> MagicBytes => [0x6D, 0xE2, 0x99, 0x81];

    internal static ReadOnlySpan<byte> TerminatorBytes => [0xFF, 0xFF, 0xFF, 0xFF];

    /// <summary>True when the bytes start with the gzip magic 1F 8B.</summary>
    public static bool LooksGzipped(ReadOnlySpan<byte> start) => start is [0x1F, 0x8B, ..];

    internal static bool IsValidLength(int length) => length is >= MinDocumentSize and <= MaxDocumentSize;

    internal static bool IsTerminator(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes) == Terminator;

    /// <summary>A namespace header {db, collection, EOF, CRC}: EOF false and CRC 0 open a segment; EOF true carries the CRC.</summary>
    internal static byte[] NamespaceHeader(string database, string collection, bool eof, long crc) =>
        new BsonBuilder(64 + database.Length + collection.Length)
            .StartDocument()
            .String("db", database)
            .String("collection", collection)
            .Boolean("EOF", eof)
            .Int64("CRC", crc)
            .End()
            .ToArray();
}
