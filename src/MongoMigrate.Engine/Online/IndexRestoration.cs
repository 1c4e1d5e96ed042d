using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The cutover's last step on the target, once following has stopped: every index the job relaxed while following
/// (<see cref="IndexSpecification.ForFollowing"/>) gets the source's own back. A TTL index gets its expireAfterSeconds
/// (collMod); a unique one is made unique in mongod's two steps (prepareUnique, then unique: true). Documents the
/// conversion finds sharing a key are read again from the source by _id (a change after T applied to one of them but not
/// yet to the other) and the conversion is tried once more; documents that still share a key are reported.
/// </summary>
internal sealed class IndexRestoration(IMongoClient source, IMongoClient target, ILogger logger)
{
    /// <summary>Restores the indexes of every collection; returns the problems (one line each), none when all are restored.</summary>
    public async Task<IReadOnlyList<string>> RestoreAsync(
        IReadOnlyList<(NamespaceName Source, NamespaceName Target)> collections,
        Func<IReadOnlyList<(NamespaceName Source, NamespaceName Target, RawBsonValue Id)>, CancellationToken, Task> refresh,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (sourceNs, targetNs) in collections)
        {
            var sourceIndexes = await IndexesAsync(source, sourceNs, cancellationToken).ConfigureAwait(false);
            var targetIndexes = (await IndexesAsync(target, targetNs, cancellationToken).ConfigureAwait(false)).ToDictionary(IndexSpecification.Name, StringComparer.Ordinal);
            var runner = new RawCommandRunner(target.GetDatabase(targetNs.Database));
            foreach (var spec in sourceIndexes)
            {
                var name = IndexSpecification.Name(spec);
                if (IndexSpecification.IsIdIndex(spec) || !targetIndexes.TryGetValue(name, out var current))
                {
                    continue;
                }

                if (IndexSpecification.IsTtl(spec) && !SameExpiry(spec, current))
                {
                    await runner.RunAsync(CollModIndexCommand.ExpireAfterSeconds(targetNs.Collection, name, spec["expireAfterSeconds"]), cancellationToken).ConfigureAwait(false);
                    logger.LogInformation("Cutover: TTL index {Index} on {Namespace} expires after {Seconds} s again", name, targetNs, spec["expireAfterSeconds"].ToDouble());
                }

                if (IndexSpecification.IsUnique(spec) && !IndexSpecification.IsUnique(current)
                    && await MakeUniqueAsync(runner, sourceNs, targetNs, name, refresh, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    problems.Add(problem);
                }
            }
        }

        return problems;
    }

    private async Task<string?> MakeUniqueAsync(
        RawCommandRunner runner,
        NamespaceName sourceNs,
        NamespaceName targetNs,
        string name,
        Func<IReadOnlyList<(NamespaceName Source, NamespaceName Target, RawBsonValue Id)>, CancellationToken, Task> refresh,
        CancellationToken cancellationToken)
    {
        await runner.RunAsync(CollModIndexCommand.PrepareUnique(targetNs.Collection, name), cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await runner.RunAsync(CollModIndexCommand.Unique(targetNs.Collection, name), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Cutover: index {Index} on {Namespace} is unique again", name, targetNs);
                return null;
            }
            catch (MongoCommandException e) when (e.Code == CollModIndexCommand.CannotConvertIndexToUnique)
            {
                var ids = Violations(e.Result);
                if (attempt > 1 || ids.Count == 0)
                {
                    return $"index {name} on {targetNs} cannot be unique again: documents share a key (_id {string.Join(", ", ids.Take(10).Select(i => i.ToString()))}{(ids.Count > 10 ? ", ..." : string.Empty)}); it is left with prepareUnique (new duplicates refused). Fix those documents on the target, then run db.runCommand({{collMod: \"{targetNs.Collection}\", index: {{name: \"{name}\", unique: true}}}})";
                }

                await refresh([.. ids.Select(id => (sourceNs, targetNs, Raw(id)))], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the target's TTL index expires after the same time as the source's.</summary>
    private static bool SameExpiry(RawDocument sourceSpec, RawDocument targetSpec) =>
        IndexSpecification.IsTtl(targetSpec) && sourceSpec["expireAfterSeconds"].ToDouble().Equals(targetSpec["expireAfterSeconds"].ToDouble());

    /// <summary>The _ids a CannotConvertIndexToUnique error lists (violations: [{ids: [...]}]).</summary>
    private static List<BsonValue> Violations(BsonDocument? reply) =>
        reply is not null && reply.TryGetValue("violations", out var violations) && violations.IsBsonArray
            ? [.. violations.AsBsonArray.Where(v => v.IsBsonDocument && v.AsBsonDocument.Contains("ids") && v["ids"].IsBsonArray).SelectMany(v => v["ids"].AsBsonArray)]
            : [];

    private static RawBsonValue Raw(BsonValue id) => new RawDocument(new BsonDocument("_id", id).ToBson())["_id"];

    /// <summary>A collection's index specifications; none when it does not exist (dropped since).</summary>
    private static async Task<IReadOnlyList<RawDocument>> IndexesAsync(IMongoClient client, NamespaceName ns, CancellationToken cancellationToken)
    {
        try
        {
            var runner = new RawCommandRunner(client.GetDatabase(ns.Database));
            var cursor = await RawCursor.OpenAsync(runner, ListIndexesCommand.Build(ns.Collection), null, cancellationToken).ConfigureAwait(false);
            return await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (e.Code == DropCommand.NamespaceNotFound)
        {
            return [];
        }
    }
}
