using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>
/// $changeStreamSplitLargeEvent (7.0): an event whose BSON, with its token counted again for the
/// batch's postBatchResumeToken, exceeds 16 MiB is cut into fragments as the server's splitChangeEvent
/// does: the top-level fields but _id, smallest first (then by name), packed greedily; each fragment
/// carries its own resume token as _id and splitEvent {fragment, of}. Without the stage, such an event
/// fails the stream with BSONObjectTooLarge.
/// </summary>
internal static class LargeEventSplitter
{
    /// <summary>BSONObjMaxUserSize: the largest event a stream returns whole.</summary>
    public const int MaxEventSize = 16 * 1024 * 1024;

    /// <summary>BSONObjMaxInternalSize: past it, an event cannot be returned at all without splitting.</summary>
    private const int MaxInternalSize = MaxEventSize + (16 * 1024);

    /// <summary>The event as it goes out: itself when small enough, otherwise its fragments (or an error without the stage).</summary>
    public static List<(RawDocument Document, ResumeToken Token)> Fragments(RawDocument shownEvent, ResumeToken token, bool split)
    {
        var tokenSize = token.ToDocument().Length;
        var eventSize = shownEvent.Length + (shownEvent.TryGetValue("_id"u8, out var id) ? id.Bytes.Length : 0);
        if (eventSize + tokenSize <= MaxEventSize)
        {
            return [(shownEvent, token)];
        }

        if (!split)
        {
            if (shownEvent.Length <= MaxInternalSize)
            {
                return [(shownEvent, token)];
            }

            throw new CommandException(
                ServerErrorCode.BsonObjectTooLarge,
                $"BSONObj size: {shownEvent.Length} (0x{shownEvent.Length:X}) is invalid. Size must be between 0 and {MaxInternalSize}(16MB) First element: _id: {id}");
        }

        var fields = new List<RawBsonElement>();
        foreach (var element in shownEvent)
        {
            if (!element.NameEquals("_id"u8))
            {
                fields.Add(element);
            }
        }

        var sorted = fields.OrderBy(Size).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var maxFragment = MaxEventSize - tokenSize;
        var groups = new List<List<RawBsonElement>>();
        for (var i = 0; i < sorted.Count;)
        {
            var group = new List<RawBsonElement>();
            var size = FragmentOverhead(token with { Fragment = groups.Count });
            do
            {
                group.Add(sorted[i]);
                size += Size(sorted[i]);
            }
            while (++i < sorted.Count && size + Size(sorted[i]) <= maxFragment);

            if (size > maxFragment)
            {
                throw new CommandException(7182500, $"Splitting change event failed: fragment size {size} is greater than maximum allowed fragment size {maxFragment}");
            }

            groups.Add(group);
        }

        var fragments = new List<(RawDocument, ResumeToken)>(groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            var fragmentToken = token with { Fragment = i };
            var builder = new BsonBuilder(maxFragment).StartDocument()
                .Document("_id", fragmentToken.ToDocument())
                .StartDocument("splitEvent").Int32("fragment", i + 1).Int32("of", groups.Count).End();
            foreach (var field in groups[i])
            {
                builder.Element(field);
            }

            fragments.Add((builder.End().ToDocument(), fragmentToken));
        }

        return fragments;
    }

    // The element's bytes: type, name, terminator and value.
    private static int Size(RawBsonElement element) => 2 + element.Utf8Name.Length + element.Value.Bytes.Length;

    private static int FragmentOverhead(ResumeToken token) =>
        new BsonBuilder().StartDocument().Document("_id", token.ToDocument())
            .StartDocument("splitEvent").Int32("fragment", 1).Int32("of", 1).End().End().Length;
}
