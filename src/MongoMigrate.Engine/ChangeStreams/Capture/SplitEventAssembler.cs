using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// Puts the fragments of an event over 16 MiB ($changeStreamSplitLargeEvent: splitEvent {fragment, of}, each with its
/// own resume token) together again, so that the spool and the applier see whole events. The whole event's _id is its last
/// fragment's token. While fragments are pending, a batch moves the resume position only up to its last whole event (the
/// post-batch token is held back), so a stream reopened then starts again at the first fragment. One per stream opening.
/// </summary>
internal sealed class SplitEventAssembler
{
    private readonly List<RawDocument> _pending = [];

    /// <summary>The batch with every complete split event put together, pending fragments kept for the next batch.</summary>
    public ChangeStreamBatch Assemble(ChangeStreamBatch batch)
    {
        if (_pending.Count == 0 && !batch.Events.Any(IsFragment))
        {
            return batch;
        }

        var events = new List<RawDocument>(batch.Events.Count);
        foreach (var change in batch.Events)
        {
            if (!IsFragment(change))
            {
                events.Add(change);
                continue;
            }

            // The reply's buffer is not kept past the batch: a fragment waiting for the next one is copied.
            _pending.Add(new RawDocument(change.Span.ToArray()));
            var split = change["splitEvent"].AsDocument;
            if (split["fragment"].AsInt32 == split["of"].AsInt32)
            {
                events.Add(Whole());
                _pending.Clear();
            }
        }

        return batch with { Events = events, PostBatchResumeToken = _pending.Count == 0 ? batch.PostBatchResumeToken : null };
    }

    private static bool IsFragment(RawDocument change) => change.TryGetValue("splitEvent", out var split) && split.Type == BsonTypeCode.Document;

    /// <summary>The event the fragments make: the last fragment's token as _id, then every other field in fragment order.</summary>
    private RawDocument Whole()
    {
        var builder = new BsonBuilder(_pending.Sum(f => f.Length) + 64).StartDocument().Value("_id", _pending[^1]["_id"]);
        foreach (var fragment in _pending)
        {
            foreach (var element in fragment)
            {
                if (!element.NameEquals("_id"u8) && !element.NameEquals("splitEvent"u8))
                {
                    builder.Element(element);
                }
            }
        }

        return builder.End().ToDocument();
    }
}
