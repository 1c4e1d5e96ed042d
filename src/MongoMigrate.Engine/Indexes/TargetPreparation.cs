using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Indexes;

/// <summary>
/// Gets target collections ready before data arrives: refuses non-empty targets (unless dropping them),
/// creates each collection with the source's options, and builds unique indexes first so the copy
/// itself proves uniqueness; other indexes are built after the data (<see cref="BuildRemainingIndexesAsync"/>).
/// </summary>
public sealed class TargetPreparation(IMongoClient target, ILogger logger)
{
    /// <summary>
    /// The job follows the source into this target (--online): unique indexes are built without uniqueness and TTL indexes
    /// with no expiry until the cutover gives them back (<see cref="IndexSpecification.ForFollowing"/>).
    /// </summary>
    public bool Following { get; init; }

    /// <summary>Target collections checked or dropped at the same time (each takes a connection to the target).</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Throws a one-line error naming every target collection that already holds documents.</summary>
    public async Task EnsureTargetsEmptyAsync(IEnumerable<NamespaceName> targets, bool dropTarget, CancellationToken cancellationToken)
    {
        // Only the targets that exist need a look: one listCollections per database finds them, so a fresh target
        // costs a round trip per database, not per collection. Those are checked (or dropped) several at a time.
        var existing = new List<NamespaceName>();
        foreach (var database in targets.GroupBy(ns => ns.Database, StringComparer.Ordinal))
        {
            var names = await CollectionNamesAsync(database.Key, cancellationToken).ConfigureAwait(false);
            existing.AddRange(database.Where(ns => names.Contains(ns.Collection)));
        }

        var nonEmpty = new bool[existing.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, existing.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var ns = existing[i];
                var runner = new RawCommandRunner(target.GetDatabase(ns.Database));
                if (dropTarget)
                {
                    await DropAsync(runner, ns, token).ConfigureAwait(false);
                    return;
                }

                var reply = await runner.RunAsync(FindCommand.FirstId(ns.Collection), token).ConfigureAwait(false);
                nonEmpty[i] = !FindCommand.FoundNothing(reply);
            }).ConfigureAwait(false);

        var full = existing.Where((_, i) => nonEmpty[i]).Select(ns => ns.FullName).ToList();
        if (full.Count > 0)
        {
            throw new MigrationException(
                $"The target already holds documents in {string.Join(", ", full)}. Empty or drop them, pick other names with --from/--to, or pass --drop-target to replace them.");
        }
    }

    /// <summary>Creates the collection with the source's options and its unique indexes. Returns index problems (one line each).</summary>
    public async Task<List<string>> CreateCollectionAsync(SourceCollection source, NamespaceName targetNs, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(targetNs.Database));
        await CreateWithOptionsAsync(runner, source, targetNs, cancellationToken).ConfigureAwait(false);
        return await BuildIndexesAsync(runner, targetNs, source.Indexes.Where(IndexSpecification.IsUnique), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the collection (or view) with the given options only; an existing one is kept as it is.
    /// Returns false when it already existed.
    /// </summary>
    public async Task<bool> CreateWithOptionsAsync(SourceCollection source, NamespaceName targetNs, CancellationToken cancellationToken) =>
        await CreateWithOptionsAsync(new RawCommandRunner(target.GetDatabase(targetNs.Database)), source, targetNs, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Builds every secondary index after the data is in: the unique ones first, so that a dump whose data breaks a
    /// unique constraint is reported before time goes into the others. Returns the problems of each group (one line each).
    /// </summary>
    public async Task<(List<string> Unique, List<string> Other)> BuildAllIndexesAsync(SourceCollection source, NamespaceName targetNs, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(targetNs.Database));
        var unique = await BuildIndexesAsync(runner, targetNs, source.Indexes.Where(IndexSpecification.IsUnique), cancellationToken).ConfigureAwait(false);
        var other = await BuildIndexesAsync(runner, targetNs, source.Indexes.Where(i => !IndexSpecification.IsUnique(i)), cancellationToken).ConfigureAwait(false);
        return (unique, other);
    }

    /// <summary>Whether a collection or view of that name exists on the target.</summary>
    public async Task<bool> ExistsAsync(NamespaceName ns, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(ns.Database));
        var reply = await runner.RunAsync(ListCollectionsCommand.Build(ns.Collection, nameOnly: true), cancellationToken).ConfigureAwait(false);
        return !reply["cursor"].AsDocument["firstBatch"].AsDocument.IsEmpty;
    }

    /// <summary>The names of the collections and views of a target database.</summary>
    private async Task<HashSet<string>> CollectionNamesAsync(string database, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(database));
        var cursor = await RawCursor.OpenAsync(runner, ListCollectionsCommand.Build(nameOnly: true), null, cancellationToken).ConfigureAwait(false);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in await cursor.ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(info["name"].AsString);
        }

        return names;
    }

    /// <summary>Drops a collection or view if it exists.</summary>
    public Task DropAsync(NamespaceName ns, CancellationToken cancellationToken) =>
        DropAsync(new RawCommandRunner(target.GetDatabase(ns.Database)), ns, cancellationToken);

    /// <summary>Whether <see cref="BuildRemainingIndexesAsync"/> has anything to build for this collection.</summary>
    public static bool HasRemainingIndexes(SourceCollection source) => RemainingIndexes(source).Any();

    /// <summary>Builds the non-unique secondary indexes, after the data is in. Returns index problems (one line each).</summary>
    public Task<List<string>> BuildRemainingIndexesAsync(SourceCollection source, NamespaceName targetNs, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(targetNs.Database));
        return BuildIndexesAsync(runner, targetNs, RemainingIndexes(source), cancellationToken);
    }

    /// <summary>The indexes built after the data: all but the unique ones (built before it) and _id's own.</summary>
    private static IEnumerable<RawDocument> RemainingIndexes(SourceCollection source) =>
        source.Indexes.Where(i => !IndexSpecification.IsUnique(i) && !IndexSpecification.IsIdIndex(i));

    private async Task<bool> CreateWithOptionsAsync(RawCommandRunner runner, SourceCollection source, NamespaceName targetNs, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(CreateCommand.Build(targetNs.Collection, source.Options), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MongoCommandException e) when (e.Code == CreateCommand.NamespaceExists)
        {
            // NamespaceExists: created by an earlier run of this job, or empty and kept.
            logger.LogDebug("{Namespace} already exists on the target", targetNs);
            return false;
        }
    }

    private async Task<List<string>> BuildIndexesAsync(RawCommandRunner runner, NamespaceName targetNs, IEnumerable<RawDocument> specs, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var spec in specs)
        {
            if (IndexSpecification.IsIdIndex(spec))
            {
                continue;
            }

            var command = CreateIndexesCommand.Build(targetNs.Collection, [Following ? IndexSpecification.ForFollowing(spec) : IndexSpecification.ForCreate(spec)], ignoreUnknownIndexOptions: true);
            try
            {
                await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (MongoCommandException e) when (!Resilience.TransientErrors.IsTransient(e))
            {
                // A transient failure is not an index problem: it goes up to be retried.
                var problem = $"index {IndexSpecification.Name(spec)} on {targetNs}: {e.CodeName} ({e.Code}): {ErrorText.FirstLine(e.ErrorMessage)}";
                logger.LogWarning("Could not build {Problem}", problem);
                problems.Add(problem);
            }
        }

        return problems;
    }

    private static async Task DropAsync(RawCommandRunner runner, NamespaceName ns, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(DropCommand.Build(ns.Collection), cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (e.Code == DropCommand.NamespaceNotFound)
        {
        }
    }
}
