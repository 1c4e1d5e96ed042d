using MongoMigrate.Bson;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Engine.Dumping;

/// <summary>
/// One _id range of a collection being dumped, and how far its reading got: the _id of the last document
/// written, so that a retry carries on right after it instead of writing the range's documents twice.
/// Attempts and the resume point change only under the collection's <see cref="DumpSink"/> lock.
/// </summary>
internal sealed class DumpChunk(int index, IdRange range, bool naturalOrder)
{
    private int _attempt;

    public int Index { get; } = index;

    public IdRange Range { get; } = range;

    /// <summary>Capped collections are read in insertion order, which cannot be resumed from an _id.</summary>
    public bool NaturalOrder { get; } = naturalOrder;

    /// <summary>The _id of the last document written (its own copy), or null before the first batch.</summary>
    public RawBsonValue? ResumeAfter { get; private set; }

    public long Written { get; private set; }

    /// <summary>A retry is possible unless a natural-order read already wrote something.</summary>
    public bool CanResume => !NaturalOrder || Written == 0;

    /// <summary>Starts an attempt; only the latest attempt may write (an attempt handed back as stuck may still be running).</summary>
    public int BeginAttempt() => Interlocked.Increment(ref _attempt);

    public bool IsCurrent(int attempt) => Volatile.Read(ref _attempt) == attempt;

    /// <summary>Records a batch as written.</summary>
    public void Advance(IReadOnlyList<RawDocument> batch)
    {
        Written += batch.Count;
        if (batch.Count > 0 && batch[^1].TryGetValue("_id", out var id))
        {
            ResumeAfter = new RawBsonValue(id.Type, id.Bytes.ToArray());
        }
    }

    /// <summary>The range's filter, narrowed to the _ids after <see cref="ResumeAfter"/> on a retry.</summary>
    public RawDocument Filter()
    {
        var range = Range.ToFilter();
        if (ResumeAfter is not { } last)
        {
            return range;
        }

        var builder = new BsonBuilder(range.Length + last.Bytes.Length + 128).StartDocument().StartArray("$and");
        var position = 0;
        if (!range.IsEmpty)
        {
            builder.Document(BsonBuilder.Index(position++), range);
        }

        builder.StartDocument(BsonBuilder.Index(position)).StartArray("$or");
        builder.StartDocument("0").StartDocument("_id").Value("$gt", last).End().End();

        // Comparisons stay inside a type bracket, so a whole-collection read also needs every later bracket;
        // it reads in _id order, where brackets come in this order.
        var later = Range.IsWholeCollection
            ? IdBrackets.InOrder.SkipWhile(b => b != IdBrackets.Of(last)).Skip(1).SelectMany(IdBrackets.TypeCodes).ToList()
            : [];
        if (later.Count > 0)
        {
            builder.StartDocument("1").StartDocument("_id").StartArray("$type");
            for (var i = 0; i < later.Count; i++)
            {
                builder.Int32(BsonBuilder.Index(i), later[i]);
            }

            builder.End().End().End();
        }

        return builder.End().End().End().End().ToDocument();
    }

    public override string ToString() => $"chunk {Index} {Range}";
}
