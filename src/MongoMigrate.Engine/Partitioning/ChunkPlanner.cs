using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Partitioning;

/// <summary>
/// Splits a collection into _id ranges of about the chunk size. It finds which type brackets the _ids
/// use (one indexed probe per bracket), samples _ids with a bounded $sample, and cuts each bracket at
/// quantiles of its samples. The ranges cover the collection exactly: no gaps, no overlaps, any types.
/// </summary>
public sealed class ChunkPlanner(IMongoClient source, ChunkPlannerOptions options, ILogger logger)
{
    public async Task<IReadOnlyList<IdRange>> PlanAsync(SourceCollection collection, CancellationToken cancellationToken)
    {
        // Capped collections keep insertion order, so they are copied whole, in natural order.
        if (collection.IsCapped || collection.EstimatedBytes <= options.ChunkSizeBytes)
        {
            return [IdRange.WholeCollection];
        }

        var runner = new RawCommandRunner(source.GetDatabase(collection.Namespace.Database));
        var brackets = await ProbeBracketsAsync(runner, collection.Namespace.Collection, cancellationToken).ConfigureAwait(false);
        if (brackets.Count == 0)
        {
            return [IdRange.WholeCollection];
        }

        var wanted = (int)Math.Min(int.MaxValue, (collection.EstimatedBytes + options.ChunkSizeBytes - 1) / options.ChunkSizeBytes);
        var sampleSize = (int)Math.Min(
            Math.Min((long)wanted * options.SamplesPerChunk, options.MaxSamples),
            Math.Max(wanted, (long)(collection.EstimatedCount * options.MaxSampleFraction)));
        var samples = await SampleIdsAsync(runner, collection.Namespace.Collection, sampleSize, cancellationToken).ConfigureAwait(false);
        var ranges = Split(brackets, samples, wanted);
        logger.LogDebug(
            "Planned {Chunks} chunks for {Namespace} ({Bytes} bytes, {Samples} samples, brackets {Brackets})",
            ranges.Count,
            collection.Namespace,
            collection.EstimatedBytes,
            samples.Count,
            string.Join(",", brackets));
        return ranges;
    }

    /// <summary>Cuts each bracket at quantiles of its samples, in proportion to its share of the samples.</summary>
    public static List<IdRange> Split(IReadOnlyList<IdBracket> brackets, IReadOnlyList<RawBsonValue> samples, int wantedChunks)
    {
        var byBracket = samples
            .Where(s => !(s.IsNumeric && NumberValue.From(s).IsNaN))
            .GroupBy(IdBrackets.Of)
            .ToDictionary(g => g.Key, g => g.Distinct(BsonOrder.Instance).Order(BsonOrder.Instance).ToList());
        var total = Math.Max(1, byBracket.Values.Sum(v => v.Count));
        var ranges = new List<IdRange>();
        foreach (var bracket in IdBrackets.InOrder)
        {
            if (!brackets.Contains(bracket))
            {
                continue;
            }

            if (bracket == IdBracket.Number)
            {
                ranges.Add(new IdRange { Bracket = bracket, IsNaN = true });
            }

            var sorted = byBracket.GetValueOrDefault(bracket) ?? [];
            var pieces = IdBrackets.IsSplittable(bracket) && sorted.Count > 1
                ? Math.Clamp((int)Math.Round((double)wantedChunks * sorted.Count / total), 1, sorted.Count)
                : 1;
            RawBsonValue? lower = null;
            for (var piece = 1; piece < pieces; piece++)
            {
                var boundary = sorted[(int)((long)piece * sorted.Count / pieces)];
                if (lower is { } previous && BsonOrder.CompareValues(boundary, previous) <= 0)
                {
                    continue;
                }

                ranges.Add(new IdRange { Bracket = bracket, Lower = lower, Upper = boundary });
                lower = boundary;
            }

            ranges.Add(new IdRange { Bracket = bracket, Lower = lower });
        }

        return ranges;
    }

    private static async Task<List<IdBracket>> ProbeBracketsAsync(RawCommandRunner runner, string collection, CancellationToken cancellationToken)
    {
        var found = new List<IdBracket>();
        foreach (var bracket in IdBrackets.InOrder)
        {
            var filter = new IdRange { Bracket = bracket }.ToFilter();
            if (bracket == IdBracket.Number)
            {
                // The probe must also see a collection whose only numbers are NaN.
                filter = new BsonBuilder().StartDocument().StartDocument("_id").StartArray("$type").Int32("0", 1).Int32("1", 16).Int32("2", 18).Int32("3", 19).End().End().End().ToDocument();
            }

            var reply = await runner.RunAsync(FindCommand.FirstId(collection, filter), cancellationToken).ConfigureAwait(false);
            if (!FindCommand.FoundNothing(reply))
            {
                found.Add(bracket);
            }
        }

        return found;
    }

    private static async Task<List<RawBsonValue>> SampleIdsAsync(RawCommandRunner runner, string collection, int size, CancellationToken cancellationToken)
    {
        var cursor = await RawCursor.OpenAsync(runner, SampleIdsCommand.Build(collection, size), null, cancellationToken).ConfigureAwait(false);
        var ids = new List<RawBsonValue>();
        foreach (var document in await cursor.ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (document.TryGetFirst(out var id))
            {
                ids.Add(id.Value);
            }
        }

        return ids;
    }
}
