using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Datasets;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Bench.Migration.Data;

/// <summary>
/// Puts a dataset on the source server, then reads it back once, untimed, to learn its exact size and to
/// write the pre-serialized insert commands that the write-limit contender replays.
/// </summary>
public static class SourceDataset
{
    private const int Seed = 20_240_607;

    /// <summary>Replaces the source's benchmark database with <paramref name="shape"/>.</summary>
    public static async Task FillAsync(IMongoClient source, DatasetShape shape, CancellationToken cancellationToken)
    {
        await source.DropDatabaseAsync(DatasetShape.Database, cancellationToken).ConfigureAwait(false);
        var specs = Enumerable.Range(0, shape.Collections).Select(i => new CollectionSpec
        {
            Name = DatasetShape.CollectionName(i),
            Documents = shape.DocumentsOf(i),
            Ids = shape.Ids,
            Body = DocumentShapes.Padded(shape.DocumentSize),
        }).ToList();
        await new DatasetWriter(source).WriteAllAsync(DatasetShape.Database, specs, Seed, progress: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every collection of the source's benchmark database, counts documents and bytes, and writes
    /// them to <paramref name="batchFile"/> as insert commands of at most 1000 documents and 8 MiB, the
    /// engine's own batch limits.
    /// </summary>
    public static async Task<DatasetTotals> ScanAsync(IMongoClient source, string batchFile, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(source.GetDatabase(DatasetShape.Database));
        var names = await CollectionNamesAsync(source, cancellationToken).ConfigureAwait(false);
        long documents = 0, bytes = 0;
        var file = new FileStream(batchFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            foreach (var name in names)
            {
                var pending = new List<RawDocument>();
                long pendingBytes = 0;
                var find = new BsonBuilder().StartDocument().String("find", name).StartDocument("filter").End().End().ToDocument();
                var cursor = await RawCursor.OpenAsync(runner, find, null, cancellationToken).ConfigureAwait(false);
                while (await cursor.NextBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
                {
                    foreach (var document in batch)
                    {
                        if (pending.Count == BatchInserter.MaxDocumentsPerBatch || (pending.Count > 0 && pendingBytes + document.Length > BatchInserter.MaxBytesPerBatch))
                        {
                            await WriteInsertAsync(file, name, pending, pendingBytes, cancellationToken).ConfigureAwait(false);
                            pending.Clear();
                            pendingBytes = 0;
                        }

                        pending.Add(document);
                        pendingBytes += document.Length;
                        documents++;
                        bytes += document.Length;
                    }
                }

                if (pending.Count > 0)
                {
                    await WriteInsertAsync(file, name, pending, pendingBytes, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return new DatasetTotals(names.Count, documents, bytes);
    }

    /// <summary>The benchmark database's collections, in name order.</summary>
    public static async Task<List<string>> CollectionNamesAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        using var cursor = await client.GetDatabase(DatasetShape.Database).ListCollectionNamesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var names = await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static async Task WriteInsertAsync(FileStream file, string collection, List<RawDocument> documents, long bytes, CancellationToken cancellationToken)
    {
        var command = new BsonBuilder((int)bytes + 256).StartDocument()
            .String("insert", collection)
            .Boolean("ordered", false)
            .Boolean("bypassDocumentValidation", true)
            .StartArray("documents");
        for (var i = 0; i < documents.Count; i++)
        {
            command.Document(BsonBuilder.Index(i), documents[i]);
        }

        command.End().End();
        await file.WriteAsync(command.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }
}
