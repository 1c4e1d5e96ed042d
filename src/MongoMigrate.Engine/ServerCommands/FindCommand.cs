using System.Text;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// The find command over one collection: a filter, an ascending sort, the _id index as hint, an _id-only projection, a limit,
/// one batch only, a batch size and the cursor timeout, each written only when set (in the order mongod documents them).
/// </summary>
public sealed class FindCommand(string collection)
{
    public RawDocument? Filter { get; init; }

    /// <summary>The field sorted ascending (<c>_id</c>, or <c>$natural</c> for insertion order), or null for no sort.</summary>
    public string? SortAscending { get; init; }

    /// <summary>Scan the _id index (<c>hint: {_id: 1}</c>).</summary>
    public bool HintId { get; init; }

    /// <summary>Return only the _id of each document.</summary>
    public bool IdOnly { get; init; }

    public int? Limit { get; init; }

    /// <summary>Close the cursor after the first batch.</summary>
    public bool SingleBatch { get; init; }

    public int? BatchSize { get; init; }

    /// <summary>The noCursorTimeout flag, written only when set (false keeps the server's idle timeout).</summary>
    public bool? NoCursorTimeout { get; init; }

    /// <summary>A find of the first document's _id (matching <paramref name="filter"/> when given): whether anything is there.</summary>
    public static RawDocument FirstId(string collection, RawDocument? filter = null) =>
        new FindCommand(collection) { Filter = filter, IdOnly = true, Limit = 1, SingleBatch = true }.Build();

    /// <summary>Whether a find reply's first batch holds no document.</summary>
    public static bool FoundNothing(RawDocument reply) => reply["cursor"].AsDocument["firstBatch"].AsDocument.IsEmpty;

    public RawDocument Build()
    {
        var builder = new BsonBuilder((Filter?.Length ?? 0) + Encoding.UTF8.GetByteCount(collection) + 128).StartDocument().String("find", collection);
        if (Filter is { } filter)
        {
            builder.Document("filter", filter);
        }

        if (SortAscending is { } sort)
        {
            builder.StartDocument("sort").Int32(sort, 1).End();
        }

        if (HintId)
        {
            builder.StartDocument("hint").Int32("_id", 1).End();
        }

        if (IdOnly)
        {
            builder.StartDocument("projection").Int32("_id", 1).End();
        }

        if (Limit is { } limit)
        {
            builder.Int32("limit", limit);
        }

        if (SingleBatch)
        {
            builder.Boolean("singleBatch", true);
        }

        if (BatchSize is { } size)
        {
            builder.Int32("batchSize", size);
        }

        if (NoCursorTimeout is { } noTimeout)
        {
            builder.Boolean("noCursorTimeout", noTimeout);
        }

        return builder.End().ToDocument();
    }
}
