using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The continuous verification's first pass over a collection, as soon as its copy is done: every copied _id range is
/// compared on both sides (the copy's own comparison, under a slot of the job's dump pool like the copy's reads), and
/// every document that differs, most of them changed on the source since the copy read them, is queued for a recheck
/// as changed at the source's time just after the read. The recheck settles it once the changes up to then are applied.
/// A range with more differences than one pass names is compared again once the following has caught up with it.
/// </summary>
internal sealed class CopiedRangeCheck(IMongoClient source, IMongoClient target, IRecheckSink rechecks, IAppliedClock clock, WorkerPoolManager pool, ILogger logger)
{
    private const int MismatchesPerPass = 10_000;
    private const int Passes = 4;
    private long _unverified;

    /// <summary>Ranges that could not be compared (too many differences in every pass, or an error): the cutover does not call the target equal then.</summary>
    public long UnverifiedRanges => Interlocked.Read(ref _unverified);

    /// <summary>Compares the ranges of one collection, a pool slot each; differing documents go to the recheck queue.</summary>
    public async Task CheckAsync(NamespaceName sourceNs, NamespaceName targetNs, IReadOnlyList<RawDocument> ranges, CancellationToken cancellationToken)
    {
        await Task.WhenAll(ranges.Select(range => CheckRangeAsync(sourceNs, targetNs, range, cancellationToken))).ConfigureAwait(false);
    }

    private async Task CheckRangeAsync(NamespaceName sourceNs, NamespaceName targetNs, RawDocument range, CancellationToken cancellationToken)
    {
        var verifier = new CollectionVerifier(source, target) { MismatchLimit = MismatchesPerPass };
        try
        {
            for (var pass = 1; pass <= Passes; pass++)
            {
                VerificationResult result;
                using (await pool.AcquireAsync(0, cancellationToken).ConfigureAwait(false))
                {
                    result = await verifier.VerifyAsync(sourceNs, targetNs, range, cancellationToken).ConfigureAwait(false);
                }

                var readAt = await clock.SourceTimeAsync(cancellationToken).ConfigureAwait(false);
                var keys = result.Mismatches.Where(m => m.Key is not null).Select(m => new RecheckKey(sourceNs.FullName, IdDocument(m.Key!.Value), readAt)).ToList();
                await rechecks.EnqueueAsync(keys, cancellationToken).ConfigureAwait(false);
                if (result.Missing + result.Extra + result.Different <= keys.Count)
                {
                    return;
                }

                // More differences than one pass names: most are changes on their way; compare again once they are applied.
                await clock.WaitForAppliedAsync(readAt, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _unverified);
            logger.LogError("Continuous verification: a copied range of {Namespace} still had more than {Limit} differing documents after {Passes} passes; the cutover will not call the target equal", sourceNs, MismatchesPerPass, Passes);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            Interlocked.Increment(ref _unverified);
            logger.LogError("Continuous verification: a copied range of {Namespace} could not be compared: {Reason}", sourceNs, ErrorDescription.Of(e));
        }
    }

    private static byte[] IdDocument(RawBsonValue id) => new BsonBuilder().StartDocument().Value("_id", id).End().ToArray();
}
