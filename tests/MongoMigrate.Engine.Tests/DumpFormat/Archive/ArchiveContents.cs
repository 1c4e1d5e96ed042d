using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat.Archive;

/// <summary>Everything read from an archive: documents per namespace in order, statistics, and the order namespaces came in.</summary>
internal sealed class ArchiveContents
{
    public required ArchiveHeader Header { get; init; }

    public required IReadOnlyList<ArchiveNamespace> Namespaces { get; init; }

    public Dictionary<string, List<byte[]>> Documents { get; } = [];

    public Dictionary<string, ArchiveNamespaceStatistics> Statistics { get; } = [];

    /// <summary>Data namespace of each document (and "end:ns" for namespace ends), in stream order.</summary>
    public List<string> Sequence { get; } = [];

    public bool IsGzip { get; init; }

    public static async Task<ArchiveContents> ReadAsync(Stream input, string name, ArchiveReaderOptions? options = null)
    {
        await using var reader = await ArchiveReader.OpenAsync(input, name, options, TestContext.Current.CancellationToken);
        var contents = new ArchiveContents { Header = reader.Header, Namespaces = reader.Namespaces, IsGzip = reader.IsGzip };
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var ns = reader.Namespace!;
            var key = ns.FullName;
            if (reader.Kind == ArchiveRecordKind.Document)
            {
                if (!contents.Documents.TryGetValue(key, out var list))
                {
                    contents.Documents[key] = list = [];
                }

                list.Add(reader.Document.ToArray());
                contents.Sequence.Add(key);
            }
            else
            {
                contents.Sequence.Add("end:" + key);
            }
        }

        foreach (var ns in reader.Namespaces)
        {
            contents.Statistics[ns.FullName] = reader.GetStatistics(ns);
        }

        return contents;
    }

    public static async Task<ArchiveContents> ReadFileAsync(string path, ArchiveReaderOptions? options = null)
    {
        await using var file = File.OpenRead(path);
        return await ReadAsync(file, path, options);
    }

    public IReadOnlyList<byte[]> DocumentsOf(string fullName) => Documents.TryGetValue(fullName, out var list) ? list : [];

    /// <summary>Writes the same namespaces and documents as a new archive.</summary>
    public async Task<byte[]> WriteAsync(ArchiveWriterOptions? options = null)
    {
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, Namespaces, (options ?? ArchiveWriterOptions.Default) with { LeaveOpen = true }, TestContext.Current.CancellationToken))
        {
            foreach (var ns in Namespaces)
            {
                var namespaceWriter = writer.OpenNamespace(ns);
                foreach (var document in DocumentsOf(ns.FullName))
                {
                    await namespaceWriter.WriteAsync(document, TestContext.Current.CancellationToken);
                }

                await namespaceWriter.CompleteAsync(TestContext.Current.CancellationToken);
            }

            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        return output.ToArray();
    }
}
