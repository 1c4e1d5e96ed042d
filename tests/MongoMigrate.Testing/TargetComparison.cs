using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Verification;
using Xunit;

namespace MongoMigrate.Testing;

/// <summary>
/// The end of every resume, fault and kill test: each source collection has its twin on the target with the
/// same documents, byte for byte, compared in _id order by the engine's verifier; the same count (so nothing
/// is duplicated); and every source index, by name.
/// </summary>
public static class TargetComparison
{
    /// <summary>Asserts that every collection of <paramref name="sourceDatabase"/> arrived in <paramref name="targetDatabase"/> exactly.</summary>
    public static async Task AssertEqualAsync(IMongoClient source, IMongoClient target, string sourceDatabase, string targetDatabase, CancellationToken cancellationToken)
    {
        var names = await (await source.GetDatabase(sourceDatabase).ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        Assert.NotEmpty(names);
        var verifier = new CollectionVerifier(source, target);
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var sourceNs = new NamespaceName(sourceDatabase, name);
            var targetNs = new NamespaceName(targetDatabase, name);
            var result = await verifier.VerifyAsync(sourceNs, targetNs, RawDocument.Empty, cancellationToken);
            Assert.True(result.IsEqual, $"{sourceNs} -> {targetNs}: {result.Missing} missing, {result.Extra} extra, {result.Different} different ({string.Join("; ", result.Examples)})");

            var sourceCount = await CountAsync(source, sourceNs, cancellationToken);
            var targetCount = await CountAsync(target, targetNs, cancellationToken);
            Assert.True(sourceCount == targetCount, $"{targetNs} holds {targetCount} documents, the source {sourceCount}");
            Assert.Equal(sourceCount, result.Identical);

            var sourceIndexes = await IndexNamesAsync(source, sourceNs, cancellationToken);
            var targetIndexes = await IndexNamesAsync(target, targetNs, cancellationToken);
            Assert.True(sourceIndexes.IsSubsetOf(targetIndexes), $"{targetNs} lacks indexes {string.Join(", ", sourceIndexes.Except(targetIndexes))}");
        }
    }

    private static async Task<long> CountAsync(IMongoClient client, NamespaceName ns, CancellationToken cancellationToken)
    {
        var reply = await client.GetDatabase(ns.Database).RunCommandAsync<BsonDocument>(new BsonDocument { { "count", ns.Collection }, { "query", new BsonDocument() } }, cancellationToken: cancellationToken);
        return reply["n"].ToInt64();
    }

    private static async Task<HashSet<string>> IndexNamesAsync(IMongoClient client, NamespaceName ns, CancellationToken cancellationToken)
    {
        var indexes = await (await client.GetDatabase(ns.Database).GetCollection<BsonDocument>(ns.Collection).Indexes.ListAsync(cancellationToken)).ToListAsync(cancellationToken);
        return [.. indexes.Select(i => i["name"].AsString)];
    }
}
