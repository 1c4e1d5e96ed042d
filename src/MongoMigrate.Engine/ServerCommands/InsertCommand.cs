using System.Buffers;
using System.Text;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// The insert command for a run of documents: unordered, validation bypassed, written into a buffer rented from the
/// shared pool. A batch is up to 8 MiB, and a fresh array for each would be a large-object allocation that only a
/// full collection frees, so the process would grow with the amount copied. The command's bytes are sent as they are
/// (<see cref="Document"/>, no copy); disposing gives the buffer back, so only once the server has replied.
/// </summary>
public sealed class InsertCommand : IDisposable
{
    private readonly BsonBuilder _builder;

    /// <summary>
    /// The command for <c>documents[start..end]</c>, whose total size <c>documentBytes</c> rents the buffer once;
    /// <paramref name="keepEmptyTimestamps"/> asks the server to store top-level Timestamp(0,0) values as they are (<see cref="EmptyTimestamps"/>).
    /// </summary>
    public InsertCommand(string collection, IReadOnlyList<RawDocument> documents, int start, int end, long documentBytes, bool keepEmptyTimestamps = false)
    {
        // Per document: type, index name, NUL; around them the field names, flags and the collection's name.
        var size = documentBytes + ((end - start) * 6L) + 128 + Encoding.UTF8.GetByteCount(collection);
        _builder = new BsonBuilder((int)Math.Min(int.MaxValue, size), ArrayPool<byte>.Shared);
        try
        {
            _builder.StartDocument()
                .String("insert", collection)
                .Boolean("ordered", false)
                .Boolean("bypassDocumentValidation", true);
            if (keepEmptyTimestamps)
            {
                _builder.Boolean(EmptyTimestamps.BypassField, true);
            }

            _builder.StartArray("documents");
            for (var i = start; i < end; i++)
            {
                _builder.Document(BsonBuilder.Index(i - start), documents[i]);
            }

            _builder.End().End();
        }
        catch
        {
            _builder.Dispose();
            throw;
        }
    }

    /// <summary>The command's bytes, valid until disposed.</summary>
    public RawDocument Document => new(_builder.WrittenMemory);

    public void Dispose() => _builder.Dispose();
}
