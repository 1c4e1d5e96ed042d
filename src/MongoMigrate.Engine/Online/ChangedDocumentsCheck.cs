using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The cutover's recheck: every document changed since its collection's copy is read on both sides by _id and its
/// bytes compared (the verification's own comparer), and the two sides' counts compared; a collection whose changes
/// this run did not all see, or whose counts differ, is compared whole.
/// </summary>
public sealed class ChangedDocumentsCheck(IMongoClient source, IMongoClient target, ChangedDocuments changed, int concurrency = 4) : ICutoverCheck
{
    private const int KeysPerRead = 1000;

    public async Task<IReadOnlyList<VerificationResult>> CheckAsync(IReadOnlyList<(NamespaceName Source, NamespaceName Target)> collections, CancellationToken cancellationToken)
    {
        var verifier = new CollectionVerifier(source, target);
        using var gate = new SemaphoreSlim(Math.Max(1, concurrency));
        return await Task.WhenAll(collections.Select(async pair =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await CheckOneAsync(verifier, pair.Source, pair.Target, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }

    private async Task<VerificationResult> CheckOneAsync(CollectionVerifier verifier, NamespaceName sourceNs, NamespaceName targetNs, CancellationToken cancellationToken)
    {
        var keys = changed.Of(sourceNs);
        if (keys is null || await CountAsync(source, sourceNs, cancellationToken).ConfigureAwait(false) != await CountAsync(target, targetNs, cancellationToken).ConfigureAwait(false))
        {
            return await verifier.VerifyAsync(sourceNs, targetNs, RawDocument.Empty, cancellationToken).ConfigureAwait(false);
        }

        var total = new VerificationResult { SourceNamespace = sourceNs.FullName, TargetNamespace = targetNs.FullName };
        for (var start = 0; start < keys.Count; start += KeysPerRead)
        {
            var filter = IdFilter.In([.. keys.Skip(start).Take(KeysPerRead)]);
            total += await verifier.VerifyAsync(sourceNs, targetNs, filter, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    /// <summary>The collection's document count (0 when it does not exist).</summary>
    private static async Task<long> CountAsync(IMongoClient client, NamespaceName ns, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(client.GetDatabase(ns.Database));
        var reply = await runner.RunAsync(CountCommand.Build(ns.Collection), cancellationToken).ConfigureAwait(false);
        return Math.Max(0, CountCommand.Result(reply));
    }
}
