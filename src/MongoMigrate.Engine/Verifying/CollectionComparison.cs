using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// One collection of a verification: its options and indexes compared as specs, then its _id ranges (planned once
/// and kept, or read back from the job's state) compared on the job's pool, each finished range saved at once.
/// </summary>
internal sealed class CollectionComparison(
    IMongoClient source,
    IMongoClient target,
    WorkerPoolManager pool,
    VerifyJobOptions options,
    VerifyJobState state,
    CollectionProgress progress,
    ILogger logger)
{
    private readonly Lock _lock = new();

    public async Task<NamespaceReport> RunAsync(SourceCollection collection, SourceCollection? onTarget, NamespaceName targetName, CancellationToken cancellationToken)
    {
        var key = collection.Namespace.FullName;
        progress.SetPhase(CollectionPhase.Planning);
        var ranges = await state.PlanOfAsync(key, cancellationToken).ConfigureAwait(false);
        if (ranges is null)
        {
            var planned = await new ChunkPlanner(source, new ChunkPlannerOptions { ChunkSizeBytes = options.ChunkSizeBytes }, logger).PlanAsync(collection, cancellationToken).ConfigureAwait(false);
            ranges = [.. planned.Select(r => r.ToFilter())];
            await state.SavePlanAsync(key, ranges, cancellationToken).ConfigureAwait(false);
        }

        var chosen = RangeSample.Pick(ranges.Count, options.SampleFraction);
        progress.SetChunks(chosen.Count, 0, 0, 0, 0);
        progress.SetPhase(CollectionPhase.Verifying);
        var verifier = new CollectionVerifier(source, target) { MismatchLimit = options.MismatchLimit };
        VerificationResult? total = null;
        var resumed = 0;

        void Add(VerificationResult result)
        {
            lock (_lock)
            {
                total = total is null ? result : total + result;
            }

            progress.AddCopied(result.SourceDocuments, 0);
            progress.ChunkRestored();
        }

        var runner = new WorkQueueRunner<int>(
            pool,
            new WorkQueueOptions<int>
            {
                CollectionKey = key,
                Priority = Math.Max(collection.EstimatedBytes, 0),
                MaxAttempts = options.MaxRangeAttempts,
                IsRetryable = error => TransientErrors.IsTransient(error) || error is MongoCursorNotFoundException,
                DescribeItem = index => $"range {index + 1} of {ranges.Count}",
                FailureMode = WorkQueueFailureMode.StopOnFirstFailure,
            },
            async (index, worker, token) =>
            {
                if (state.ResultOf(key, index) is { } earlier)
                {
                    Interlocked.Increment(ref resumed);
                    Add(earlier);
                    return;
                }

                var result = await verifier.VerifyAsync(collection.Namespace, targetName, ranges[index], token).ConfigureAwait(false);
                worker.ReportProgress(result.SourceDocuments, 0);
                await state.SaveResultAsync(key, index, result, token).ConfigureAwait(false);
                Add(result);
            });
        await runner.RunAsync(chosen, cancellationToken).ConfigureAwait(false);
        progress.SetPhase(CollectionPhase.Done);

        var sum = total ?? new VerificationResult { SourceNamespace = key, TargetNamespace = targetName.FullName };
        return new NamespaceReport
        {
            Source = key,
            Target = targetName.FullName,
            TargetExists = onTarget is not null,
            Documents = sum with { Mismatches = [.. sum.Mismatches.Take(options.MismatchLimit)] },
            OptionDifferences = onTarget is null ? [] : OptionDifferences(collection.Options, onTarget.Options),
            IndexDifferences = onTarget is null ? [] : IndexDifferences(collection.Indexes, onTarget.Indexes),
            RangesTotal = ranges.Count,
            RangesSampled = chosen.Count,
            RangesCompared = chosen.Count,
            RangesResumed = resumed,
        };
    }

    private static IReadOnlyList<string> OptionDifferences(RawDocument source, RawDocument target) =>
        FirstDifference.Of(source, target) is { } path
            ? [$"options differ at {path}: source {BsonDebugText.Format(source.AsValue())}, target {BsonDebugText.Format(target.AsValue())}"]
            : [];

    private static IReadOnlyList<string> IndexDifferences(IReadOnlyList<RawDocument> source, IReadOnlyList<RawDocument> target)
    {
        var left = source.ToDictionary(IndexSpecification.Name, Comparable, StringComparer.Ordinal);
        var right = target.ToDictionary(IndexSpecification.Name, Comparable, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var (name, spec) in left.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!right.TryGetValue(name, out var other))
            {
                differences.Add($"index {name} missing on the target: {spec}");
            }
            else if (other != spec)
            {
                differences.Add($"index {name} differs: source {spec}, target {other}");
            }
        }

        differences.AddRange(right.Keys.Where(name => !left.ContainsKey(name)).Order(StringComparer.Ordinal).Select(name => $"index {name} only on the target: {right[name]}"));
        return differences;
    }

    /// <summary>An index spec as text without what a server adds on its own (the spec version and the legacy ns).</summary>
    private static string Comparable(RawDocument spec)
    {
        var builder = new BsonBuilder().StartDocument();
        foreach (var element in spec)
        {
            if (!element.NameEquals("v") && !element.NameEquals("ns"))
            {
                builder.Value(element.Name, element.Value);
            }
        }

        return BsonDebugText.Format(builder.End().ToDocument().AsValue());
    }
}
