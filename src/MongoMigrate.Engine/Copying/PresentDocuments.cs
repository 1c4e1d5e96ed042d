using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// Documents whose _id an insert found already on the target. "Already present" is only true when the bytes are the
/// same: a document written earlier from a damaged dump, or changed on the target since, has the same _id and other
/// bytes, and skipping it would leave it wrong for good. So they are read back and compared as the server stores
/// them (_id first), and those that differ are deleted and inserted again: the insert path is the one that keeps
/// every value exactly, where a replacing update could rewrite a document.
/// </summary>
internal static class PresentDocuments
{
    /// <summary>Splits <paramref name="documents"/> into those identical on the target and those that differ (or vanished since).</summary>
    public static async Task<(long Identical, List<RawDocument> Differing)> CompareAsync(RawCommandRunner target, string collection, IReadOnlyList<RawDocument> documents, CancellationToken cancellationToken)
    {
        long identical = 0;
        var differing = new List<RawDocument>();
        var checkable = new List<RawDocument>(documents.Count);
        foreach (var document in documents)
        {
            // $in treats a regular expression as a pattern, not a value: such an _id cannot be looked up exactly.
            if (Id(document).Type == BsonTypeCode.RegularExpression)
            {
                identical++;
            }
            else
            {
                checkable.Add(document);
            }
        }

        if (checkable.Count == 0)
        {
            return (identical, differing);
        }

        var stored = new Dictionary<string, RawDocument>(StringComparer.Ordinal);
        var find = new FindCommand(collection) { Filter = IdsFilter(checkable) }.Build();
        var cursor = await RawCursor.OpenAsync(target, find, checkable.Count, cancellationToken).ConfigureAwait(false);
        foreach (var found in await cursor.ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[Key(Id(found))] = found;
        }

        foreach (var document in checkable)
        {
            if (stored.TryGetValue(Key(Id(document)), out var there) && there.Span.SequenceEqual(AsStored(document).Span))
            {
                identical++;
            }
            else
            {
                differing.Add(document);
            }
        }

        return (identical, differing);
    }

    /// <summary>Deletes the target's documents with the _ids of <paramref name="documents"/>.</summary>
    public static async Task DeleteAsync(RawCommandRunner target, string collection, IReadOnlyList<RawDocument> documents, CancellationToken cancellationToken) =>
        await target.RunAsync(DeleteManyCommand.Build(collection, IdsFilter(documents)), cancellationToken).ConfigureAwait(false);

    /// <summary>The document as the server stores it: _id moved to the front when it is not there already.</summary>
    public static RawDocument AsStored(RawDocument document)
    {
        if (document.TryGetFirst(out var first) && first.NameEquals("_id"u8))
        {
            return document;
        }

        var builder = new BsonBuilder(document.Length + 16).StartDocument().Value("_id", Id(document));
        foreach (var element in document)
        {
            if (!element.NameEquals("_id"u8))
            {
                builder.Element(element);
            }
        }

        return builder.End().ToDocument();
    }

    private static RawDocument IdsFilter(IReadOnlyList<RawDocument> documents) => IdFilter.In([.. documents.Select(Id)]);

    private static RawBsonValue Id(RawDocument document) =>
        document.TryGetValue("_id"u8, out var id) ? id : throw new MigrationException("A document without _id was reported as already present on the target.");

    private static string Key(RawBsonValue id) => $"{(int)id.Type}:{Convert.ToHexString(id.Span)}";
}
