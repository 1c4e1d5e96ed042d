using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>Decodes the small documents that frame an archive: the header, collection metadata and namespace headers.</summary>
internal static class ArchiveBlockParser
{
    public static ArchiveHeader ParseHeader(RawDocument document, Func<string, Exception> error)
    {
        var concurrent = 0;
        string? version = null;
        string? server = null;
        string? tool = null;
        string? source = null;
        foreach (var element in document)
        {
            if (element.NameEquals("concurrent_collections"))
            {
                concurrent = element.Value.TryGetInt64(out var n) && n is >= int.MinValue and <= int.MaxValue
                    ? (int)n
                    : throw error($"archive header field concurrent_collections is a {element.Type}, not an integer");
            }
            else if (element.NameEquals("version"))
            {
                version = String(element, "archive header", error);
            }
            else if (element.NameEquals("server_version"))
            {
                server = String(element, "archive header", error);
            }
            else if (element.NameEquals("tool_version"))
            {
                tool = String(element, "archive header", error);
            }
            else if (element.NameEquals("source_deployment"))
            {
                source = String(element, "archive header", error);
            }
        }

        if (version is null)
        {
            throw error("archive header has no version field; is this a mongodump archive?");
        }

        return new ArchiveHeader(concurrent, server ?? string.Empty, tool ?? string.Empty, version) { SourceDeployment = source };
    }

    public static ArchiveNamespace ParseCollectionMetadata(RawDocument document, string sourceName, long offset)
    {
        Exception Error(string reason) => new DumpFormatException(sourceName, offset, $"{reason} (collection metadata at offset {offset})");

        var database = string.Empty;
        string? collection = null;
        var metadata = string.Empty;
        string? type = null;
        var size = 0;
        foreach (var element in document)
        {
            if (element.NameEquals("db"))
            {
                database = String(element, "collection metadata", Error);
            }
            else if (element.NameEquals("collection"))
            {
                collection = String(element, "collection metadata", Error);
            }
            else if (element.NameEquals("metadata"))
            {
                metadata = String(element, "collection metadata", Error);
            }
            else if (element.NameEquals("type"))
            {
                type = String(element, "collection metadata", Error);
            }
            else if (element.NameEquals("size"))
            {
                size = element.Value.TryGetInt64(out var n) ? (int)Math.Clamp(n, 0, int.MaxValue) : 0;
            }
        }

        if (string.IsNullOrEmpty(collection))
        {
            throw Error("collection metadata has no collection name");
        }

        try
        {
            return new ArchiveNamespace(database, collection, metadata, type, size);
        }
        catch (DumpFormatException e)
        {
            throw new DumpFormatException(sourceName, offset, $"{e.SourceName}: {e.Reason} (collection metadata at offset {offset})", e);
        }
    }

    public static (string Database, string Collection, bool Eof, long Crc) ParseNamespaceHeader(RawDocument document, Func<string, Exception> error)
    {
        string? database = null;
        string? collection = null;
        var eof = false;
        long crc = 0;
        foreach (var element in document)
        {
            if (element.NameEquals("db"))
            {
                database = String(element, "namespace header", error);
            }
            else if (element.NameEquals("collection"))
            {
                collection = String(element, "namespace header", error);
            }
            else if (element.NameEquals("EOF"))
            {
                eof = element.Type == BsonTypeCode.Boolean ? element.Value.AsBoolean : throw error($"namespace header field EOF is a {element.Type}, not a boolean");
            }
            else if (element.NameEquals("CRC"))
            {
                crc = element.Value.TryGetInt64(out var n) ? n : throw error($"namespace header field CRC is a {element.Type}, not an integer");
            }
        }

        if (database is null || string.IsNullOrEmpty(collection))
        {
            throw error("namespace header lacks db or collection; the block does not start with a namespace header");
        }

        return (database, collection, eof, crc);
    }

    private static string String(RawBsonElement element, string what, Func<string, Exception> error) =>
        element.Type == BsonTypeCode.String ? element.Value.AsString : throw error($"{what} field {element.Name} is a {element.Type}, not a string");
}
