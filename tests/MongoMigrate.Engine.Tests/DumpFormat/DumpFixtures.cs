using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.DumpFormat;

/// <summary>The mongo-tools fixtures and what INDEX.md says about them (document counts, archive namespaces, CRC results).</summary>
internal static partial class DumpFixtures
{
    private static readonly Lazy<IReadOnlyList<IndexRow>> Rows = new(ReadIndex);

    /// <summary>A path under ../shared/fixtures/mongo-tools; the test is skipped when it is missing.</summary>
    public static string Path(string relative) => FixturePaths.Require(["mongo-tools", .. relative.Split('/')]);

    public static string Root => FixturePaths.Require("mongo-tools");

    /// <summary>Every row of INDEX.md's tables, with the path relative to mongo-tools/.</summary>
    public static IReadOnlyList<IndexRow> All => Rows.Value;

    /// <summary>BSON files INDEX.md lists with a plain document count (no ERROR).</summary>
    public static IEnumerable<IndexRow> ValidBsonFiles => All.Where(r => r.Kind.EndsWith("bson", StringComparison.Ordinal) && !r.Contents.Contains("ERROR", StringComparison.Ordinal));

    /// <summary>BSON files INDEX.md lists as N documents followed by an error.</summary>
    public static IEnumerable<IndexRow> NegativeBsonFiles => All.Where(r => r.Kind == "bson" && r.Contents.Contains("ERROR", StringComparison.Ordinal));

    public static IEnumerable<IndexRow> Archives => All.Where(r => r.Kind == "archive");

    public static IndexRow Row(string relative) => All.Single(r => r.Path == relative);

    /// <summary>The document count INDEX.md gives for a data file (by its path relative to mongo-tools/).</summary>
    public static int ExpectedDocuments(string relative) => Row(relative).DocumentCount
        ?? throw new InvalidOperationException($"INDEX.md gives no document count for {relative}");

    /// <summary>
    /// Gzips every file of a folder tree into a new folder with .gz suffixes (mongodump --gzip layout); legacy .bin
    /// files are copied as they are, since no mongodump gzips them and mongorestore only knows them uncompressed.
    /// </summary>
    public static void GzipTree(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(source, file);
            var keep = file.EndsWith(".gz", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal);
            var destination = System.IO.Path.Combine(target, keep ? relative : relative + ".gz");
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            if (keep)
            {
                File.Copy(file, destination);
                continue;
            }

            using var input = File.OpenRead(file);
            using var output = File.Create(destination);
            using var gzip = new GZipStream(output, CompressionLevel.Fastest);
            input.CopyTo(gzip);
        }

        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, directory)));
        }
    }

    public static byte[] Gzip(byte[] data, int members = 1)
    {
        using var output = new MemoryStream();
        var chunk = (data.Length + members - 1) / Math.Max(1, members);
        for (var offset = 0; offset < data.Length || offset == 0; offset += Math.Max(1, chunk))
        {
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(data.AsSpan(offset, Math.Min(chunk, data.Length - offset)));
            }

            if (data.Length == 0)
            {
                break;
            }
        }

        return output.ToArray();
    }

    private static List<IndexRow> ReadIndex()
    {
        var rows = new List<IndexRow>();
        string? section = null;
        foreach (var line in File.ReadLines(System.IO.Path.Combine(Root, "INDEX.md")))
        {
            var heading = SectionHeading().Match(line);
            if (heading.Success)
            {
                section = heading.Groups[1].Value;
                continue;
            }

            if (line.StartsWith("## Removed", StringComparison.Ordinal))
            {
                section = "_removed_at_21a342df/";
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = null;
            }

            if (section is null || !line.StartsWith("| ", StringComparison.Ordinal) || line.StartsWith("| file", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            rows.Add(new IndexRow(section + cells[0], cells[^2], cells[^1]));
        }

        return rows;
    }

    [GeneratedRegex(@"^### `(.*)`")]
    private static partial Regex SectionHeading();

    /// <summary>One file of INDEX.md.</summary>
    public sealed partial record IndexRow(string Path, string Kind, string Contents)
    {
        /// <summary>"N doc(s)" or "empty (0 bytes, 0 docs)" at the start of the contents; for negatives, the documents before the error.</summary>
        public int? DocumentCount
        {
            get
            {
                if (Contents.StartsWith("empty", StringComparison.Ordinal))
                {
                    return 0;
                }

                var match = Count().Match(Contents);
                return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
            }
        }

        /// <summary>The offset in "ERROR: ... at N".</summary>
        public long? ErrorOffset
        {
            get
            {
                var match = ErrorAt().Match(Contents);
                return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
            }
        }

        /// <summary>For archives: data namespace → (documents, segments, crc ok).</summary>
        public IReadOnlyDictionary<string, (int Documents, int Segments, bool CrcOk)> ArchiveNamespaces =>
            ArchiveEntry().Matches(Contents).ToDictionary(
                m => m.Groups[1].Value,
                m => (int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[4].Value == "OK"));

        public override string ToString() => Path;

        [GeneratedRegex(@"^(\d+) docs?\b")]
        private static partial Regex Count();

        [GeneratedRegex(@"ERROR: [^—]*? at (\d+)")]
        private static partial Regex ErrorAt();

        [GeneratedRegex(@"([\w$.\-]+):(\d+)docs/(\d+)seg/crc(\w+)")]
        private static partial Regex ArchiveEntry();
    }
}

/// <summary>The BSON corpus of MongoDB's specifications: every valid canonical document.</summary>
internal static class BsonCorpusFixtures
{
    public static IReadOnlyList<(string Name, byte[] Bytes, string? CanonicalExtJson)> Valid()
    {
        var folder = FixturePaths.Require("specifications", "source", "bson-corpus", "tests");
        var cases = new List<(string, byte[], string?)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (!json.RootElement.TryGetProperty("valid", out var valid))
            {
                continue;
            }

            foreach (var item in valid.EnumerateArray())
            {
                var name = $"{System.IO.Path.GetFileName(file)}: {item.GetProperty("description").GetString()}";
                var extJson = item.TryGetProperty("canonical_extjson", out var e) ? e.GetString() : null;
                cases.Add((name, Convert.FromHexString(item.GetProperty("canonical_bson").GetString()!), extJson));
            }
        }

        return cases;
    }
}

/// <summary>A temporary folder deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mongomigrate-dumps-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
