using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The heart of a cutover: T read from the source, every change up to T applied, then the continuous verification's
/// gate (every change up to T rechecked, no mismatch) and the recheck of the documents changed since their copy.
/// </summary>
internal sealed class CutoverGate(OnlineSettings settings, ChangeStreamFollower follower, ICutoverCheck check, OnlineVerification? verification)
{
    /// <summary>
    /// Reads T, waits until every change up to T is applied, and rechecks. Without a write block a document written after T
    /// may differ only until its own change is applied: the check is then repeated at a later T, a few times. A document
    /// that still differs once its changes are applied (a change replayed over a later state, e.g. after a kill, can leave
    /// its fields in another order) is read again from the source by _id and written whole, then checked again; how many
    /// were is said in the report.
    /// </summary>
    public async Task<(ulong At, IReadOnlyList<Verification.VerificationResult> Differences, long Repaired, IReadOnlyList<RecheckMismatch> Mismatches, long Unverified)> ApplyAndCheckAsync(bool blocked, CancellationToken cancellationToken)
    {
        const int Generations = 5;
        long repaired = 0;
        if (verification is not null)
        {
            await verification.PrepareCutoverAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var generation = 1; ; generation++)
        {
            var at = await SourceClusterTime.ReadAsync(settings.Source, cancellationToken).ConfigureAwait(false);
            await SourceWriteBlock.NudgeAsync(settings.Source, cancellationToken).ConfigureAwait(false);
            await follower.WaitForAppliedAsync(at, cancellationToken).ConfigureAwait(false);
            if (generation == 1 && verification is not null)
            {
                // The gate: every change up to T rechecked by the continuous verification, with no mismatch.
                var (mismatches, unverified) = await verification.GateAsync(at, cancellationToken).ConfigureAwait(false);
                if (mismatches.Count > 0 || unverified > 0)
                {
                    return (at, [], repaired, mismatches, unverified);
                }
            }

            var results = await check.CheckAsync(follower.Collections, cancellationToken).ConfigureAwait(false);
            var differences = results.Where(r => !r.IsEqual).ToList();
            if (differences.Count == 0 || generation == Generations)
            {
                return (at, differences, repaired + (verification?.Verifier.Repaired ?? 0), [], 0);
            }

            var named = differences
                .SelectMany(d => d.Mismatches.Where(m => m.Key is not null).Select(m => (NamespaceName.Parse(d.SourceNamespace), NamespaceName.Parse(d.TargetNamespace), m.Key!.Value)))
                .ToList();
            if (generation > 1 && named.Count > 0)
            {
                // Still different after a generation of its own changes: written whole from the source.
                await follower.RefreshAsync(named, cancellationToken).ConfigureAwait(false);
                repaired += named.Count;
                settings.Logger.LogWarning("Cutover: {Count} document(s) still differed once their changes were applied and were copied again from the source by _id (first: {First})", named.Count, differences.SelectMany(d => d.Examples).FirstOrDefault());
            }
            else if (blocked && named.Count == 0)
            {
                return (at, differences, repaired + (verification?.Verifier.Repaired ?? 0), [], 0);
            }

            settings.Logger.LogInformation("Cutover: {Count} collection(s) differ at generation {Generation}; checking again at a later cluster time", differences.Count, generation);
        }
    }

}
