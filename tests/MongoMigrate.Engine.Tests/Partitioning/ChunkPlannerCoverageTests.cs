using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Partitioning;

public class ChunkPlannerCoverageTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1, 3000)]
    [InlineData(2, 800)]
    [InlineData(3, 5000)]
    public async Task Every_document_falls_in_exactly_one_chunk_whatever_its_id_type(int seed, int count)
    {
        var ns = new NamespaceName(server.NewDatabaseName("cover"), "mixed");
        var runner = new RawCommandRunner(server.Client.GetDatabase(ns.Database));
        var ids = await InsertMixedAsync(runner, ns.Collection, count, new Random(seed));
        var collection = await DescribeAsync(ns);

        var planner = new ChunkPlanner(server.Client, new ChunkPlannerOptions { ChunkSizeBytes = Math.Max(1024, collection.EstimatedBytes / 12) }, NullLogger.Instance);
        var ranges = await planner.PlanAsync(collection, Ct);

        Assert.True(ranges.Count >= 8, $"only {ranges.Count} chunks were planned");
        var seen = new Dictionary<string, int>();
        foreach (var range in ranges)
        {
            var find = new BsonBuilder().StartDocument().String("find", ns.Collection).Document("filter", range.ToFilter())
                .StartDocument("projection").Int32("_id", 1).End().End().ToDocument();
            var cursor = await RawCursor.OpenAsync(runner, find, null, Ct);
            foreach (var document in await cursor.ToListAsync(Ct))
            {
                var key = Convert.ToHexString(document.Span);
                Assert.False(seen.ContainsKey(key), $"{BsonDebugText.Format(document)} is in chunk {range} and chunk #{seen.GetValueOrDefault(key)}");
                seen[key] = ranges.ToList().IndexOf(range);
            }
        }

        Assert.Equal(ids.Count, seen.Count);
        Assert.Equal(ids.Order(), seen.Keys.Order());
    }

    [Fact]
    public async Task A_small_collection_is_one_chunk_that_takes_everything()
    {
        var ns = new NamespaceName(server.NewDatabaseName("small"), "c");
        var runner = new RawCommandRunner(server.Client.GetDatabase(ns.Database));
        await InsertMixedAsync(runner, ns.Collection, 50, new Random(7));
        var planner = new ChunkPlanner(server.Client, new ChunkPlannerOptions(), NullLogger.Instance);

        var ranges = await planner.PlanAsync(await DescribeAsync(ns), Ct);

        var only = Assert.Single(ranges);
        Assert.True(only.IsWholeCollection);
        Assert.True(only.ToFilter().IsEmpty);
    }

    private async Task<SourceCollection> DescribeAsync(NamespaceName ns)
    {
        var discovery = new CollectionDiscovery(server.Client, NullLogger.Instance);
        var result = await discovery.DiscoverAsync(new NamespaceSelection([ns.FullName], [], []), Ct);
        return Assert.Single(result.Collections);
    }

    /// <summary>Inserts documents whose _ids cover every type bracket, with edge values; returns the _id documents' hex.</summary>
    private static async Task<List<string>> InsertMixedAsync(RawCommandRunner runner, string collection, int count, Random random)
    {
        var ids = new List<string>();
        var batch = new List<RawDocument>();
        var used = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            var builder = new BsonBuilder().StartDocument();
            WriteId(builder, i, random);
            var document = builder.String("payload", new string('p', random.Next(10, 200))).End().ToDocument();
            var idOnly = new BsonBuilder().StartDocument().Value("_id", document["_id"]).End().ToDocument();
            if (!used.Add(Convert.ToHexString(idOnly.Span)))
            {
                continue;
            }

            batch.Add(document);
        }

        // Values that are equal in BSON order (1, 1L, 1.0) are one _id for the server: keep the first of each.
        var distinct = batch.DistinctBy(d => d["_id"], BsonOrder.Instance).ToList();
        foreach (var document in distinct)
        {
            ids.Add(Convert.ToHexString(new BsonBuilder().StartDocument().Value("_id", document["_id"]).End().ToDocument().Span));
        }

        for (var start = 0; start < distinct.Count; start += 500)
        {
            var insert = new BsonBuilder().StartDocument().String("insert", collection).StartArray("documents");
            var slice = distinct.Skip(start).Take(500).ToList();
            for (var j = 0; j < slice.Count; j++)
            {
                insert.Document(BsonBuilder.Index(j), slice[j]);
            }

            await runner.RunAsync(insert.End().End().ToDocument(), Ct);
        }

        return ids;
    }

    private static void WriteId(BsonBuilder builder, int i, Random random)
    {
        switch (i % 17)
        {
            case 0: builder.ObjectId("_id", ObjectId.GenerateNewId()); break;
            case 1: builder.Int32("_id", random.Next(int.MinValue, int.MaxValue)); break;
            case 2: builder.Int64("_id", random.NextInt64(long.MinValue, long.MaxValue)); break;
            case 3: builder.Double("_id", (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 300))); break;
            case 4: builder.Decimal128("_id", Decimal128.Parse($"{random.Next()}.{random.Next()}E{random.Next(-50, 50)}")); break;
            case 5: builder.String("_id", "s" + random.Next(0, 1_000_000).ToString("x", System.Globalization.CultureInfo.InvariantCulture)); break;
            case 6: builder.Binary("_id", 4, Guid.NewGuid().ToByteArray()); break;
            case 7: builder.Binary("_id", 0, BitConverter.GetBytes(random.NextInt64()).AsSpan(0, random.Next(1, 8))); break;
            case 8: builder.DateTime("_id", random.NextInt64(-62135596800000, 253402300799999)); break;
            case 9: builder.StartDocument("_id").Int32("a", random.Next(100)).String("b", "x" + i).End(); break;
            case 10: builder.Timestamp("_id", (ulong)random.NextInt64(1, long.MaxValue)); break;
            case 11: builder.Boolean("_id", i % 2 == 0); break;
            case 12:
                switch (i % 6)
                {
                    case 0: builder.Double("_id", double.NaN); break;
                    case 1: builder.Double("_id", double.PositiveInfinity); break;
                    case 2: builder.Double("_id", double.NegativeInfinity); break;
                    case 3: builder.Null("_id"); break;
                    case 4: builder.MinKey("_id"); break;
                    default: builder.MaxKey("_id"); break;
                }

                break;
            case 13: builder.Decimal128("_id", Decimal128.Parse(i % 2 == 0 ? "NaN" : "-Infinity")); break;
            case 14: builder.Double("_id", -0.0 + (i % 3)); break;
            case 15: builder.JavaScript("_id", "function f" + i + "() {}"); break;
            default: builder.Symbol("_id", "sym" + i); break;
        }
    }
}
