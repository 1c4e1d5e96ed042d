using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Aggregation;

/// <summary>
/// The stages and expressions verification queries use, through the driver, with the results mongod 7.0 gives
/// ($lookup, $unionWith, $facet, $bucket; date and string expressions), and the sandbox's named refusals
/// ($lookup with let, $merge) where a real server would run them.
/// </summary>
public class AggregationStageTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lookup_joins_by_local_and_foreign_field_and_through_a_pipeline()
    {
        var database = NewDatabase();
        var orders = database.GetCollection<BsonDocument>("orders");
        await database.GetCollection<BsonDocument>("items").InsertManyAsync(
            [
                new BsonDocument { { "_id", "a" }, { "price", 5 } },
                new BsonDocument { { "_id", "b" }, { "price", 7 } },
                new BsonDocument { { "_id", "c" }, { "price", 9 } },
            ],
            cancellationToken: Ct);
        await orders.InsertManyAsync(
            [
                new BsonDocument { { "_id", 1 }, { "item", "a" } },
                new BsonDocument { { "_id", 2 }, { "item", new BsonArray { "b", "c" } } },
                new BsonDocument("_id", 3),
            ],
            cancellationToken: Ct);

        var joined = await Aggregate(orders, """{ $lookup: { from: "items", localField: "item", foreignField: "_id", as: "found" } }""", """{ $sort: { _id: 1 } }""");
        var cheap = await Aggregate(orders, """{ $match: { _id: 1 } }""", """{ $lookup: { from: "items", pipeline: [ { $match: { price: { $lt: 8 } } }, { $project: { _id: 1 } } ], as: "cheap" } }""");

        Assert.Equal(["a"], joined[0]["found"].AsBsonArray.Select(f => f["_id"].AsString));
        Assert.Equal(["b", "c"], joined[1]["found"].AsBsonArray.Select(f => f["_id"].AsString));
        Assert.Empty(joined[2]["found"].AsBsonArray);
        Assert.Equal(new BsonArray { new BsonDocument("_id", "a"), new BsonDocument("_id", "b") }, cheap[0]["cheap"]);
    }

    [Fact]
    public async Task Lookup_with_let_binds_each_orders_values_for_the_pipeline_as_mongod_does()
    {
        var database = NewDatabase();
        var orders = database.GetCollection<BsonDocument>("orders");
        await orders.InsertManyAsync(
            [new BsonDocument { { "_id", 1 }, { "item", "a" }, { "qty", 5 } }, new BsonDocument { { "_id", 2 }, { "item", "b" }, { "qty", 1 } }, new BsonDocument { { "_id", 3 }, { "item", "z" }, { "qty", 9 } }],
            cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("stock").InsertManyAsync(
            [new BsonDocument { { "_id", 10 }, { "sku", "a" }, { "instock", 3 } }, new BsonDocument { { "_id", 11 }, { "sku", "a" }, { "instock", 10 } }, new BsonDocument { { "_id", 12 }, { "sku", "b" }, { "instock", 2 } }],
            cancellationToken: Ct);
        // The example of MongoDB's $lookup page: join on two conditions, one of them a let variable compared in $expr.
        const string stage = """
            { $lookup: { from: "stock", let: { item: "$item", ordered: "$qty" }, pipeline: [
                { $match: { $expr: { $and: [ { $eq: [ "$sku", "$$item" ] }, { $gte: [ "$instock", "$$ordered" ] } ] } } },
                { $project: { _id: 1, spare: { $subtract: [ "$instock", "$$ordered" ] } } } ], as: "available" } }
            """;

        var result = await Aggregate(orders, stage, """{ $sort: { _id: 1 } }""");

        Assert.Equal("[{ \"_id\" : 11, \"spare\" : 5 }]", result[0]["available"].ToJson());
        Assert.Equal("[{ \"_id\" : 12, \"spare\" : 1 }]", result[1]["available"].ToJson());
        Assert.Empty(result[2]["available"].AsBsonArray);
        var undefined = await Assert.ThrowsAsync<MongoCommandException>(() => Aggregate(orders, """{ $lookup: { from: "stock", let: { item: "$item" }, pipeline: [ { $match: { $expr: { $eq: [ "$sku", "$$other" ] } } } ], as: "x" } }"""));
        Assert.Equal(17276, undefined.Code);
    }

    [Fact]
    public async Task UnionWith_appends_another_collection_through_its_pipeline()
    {
        var database = NewDatabase();
        var first = database.GetCollection<BsonDocument>("first");
        await first.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("second").InsertManyAsync([new BsonDocument("_id", 2), new BsonDocument("_id", 3)], cancellationToken: Ct);

        var all = await Aggregate(first, """{ $unionWith: { coll: "second", pipeline: [ { $match: { _id: { $gt: 2 } } } ] } }""");
        var plain = await Aggregate(first, """{ $unionWith: "second" }""", """{ $count: "n" }""");

        Assert.Equal([1, 3], all.Select(d => d["_id"].AsInt32));
        Assert.Equal(3, plain[0]["n"].AsInt32);
    }

    [Fact]
    public async Task Facet_runs_each_sub_pipeline_over_the_whole_input()
    {
        var collection = await NumbersAsync(1, 2, 3, 4, 5);

        var result = Assert.Single(await Aggregate(
            collection,
            """{ $facet: { total: [ { $count: "n" } ], evens: [ { $match: { even: true } }, { $project: { _id: 1 } } ] } }"""));

        Assert.Equal(new BsonArray { new BsonDocument("n", 5) }, result["total"]);
        Assert.Equal(new BsonArray { new BsonDocument("_id", 2), new BsonDocument("_id", 4) }, result["evens"]);
    }

    [Fact]
    public async Task Bucket_groups_by_boundaries_with_a_default_bucket_last()
    {
        var collection = await NumbersAsync(1, 5, 12, 15, 40, 99);

        var buckets = await Aggregate(
            collection,
            """{ $bucket: { groupBy: "$_id", boundaries: [ 0, 10, 20, 50 ], default: "other", output: { n: { $sum: 1 }, top: { $max: "$_id" } } } }""");

        Assert.Equal(
            [
                new BsonDocument { { "_id", 0 }, { "n", 2 }, { "top", 5 } },
                new BsonDocument { { "_id", 10 }, { "n", 2 }, { "top", 15 } },
                new BsonDocument { { "_id", 20 }, { "n", 1 }, { "top", 40 } },
                new BsonDocument { { "_id", "other" }, { "n", 1 }, { "top", 99 } },
            ],
            buckets);
    }

    [Fact]
    public async Task Merge_inserts_new_results_and_merges_matched_ones_by_id_by_default()
    {
        var database = NewDatabase();
        var source = database.GetCollection<BsonDocument>("source");
        var merged = database.GetCollection<BsonDocument>("merged");
        await source.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "total", 10 } }, new BsonDocument { { "_id", 2 }, { "total", 20 } }], cancellationToken: Ct);
        await merged.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "total", 0 }, { "kept", true } }, cancellationToken: Ct);

        await Aggregate(source, """{ $merge: { into: "merged" } }""");

        var stored = await merged.Find(FilterDefinition<BsonDocument>.Empty).Sort("{ _id: 1 }").ToListAsync(Ct);
        Assert.Equal("""[{ "_id" : 1, "total" : 10, "kept" : true }, { "_id" : 2, "total" : 20 }]""", new BsonArray(stored).ToJson());
    }

    [Fact]
    public async Task Merge_replaces_keeps_or_fails_on_a_match_and_discards_or_fails_without_one()
    {
        var database = NewDatabase();
        var source = database.GetCollection<BsonDocument>("source");
        var target = database.GetCollection<BsonDocument>("target");
        await source.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "v", "new" } }, new BsonDocument { { "_id", 2 }, { "v", "new" } }], cancellationToken: Ct);
        await target.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", "old" }, { "extra", 1 } }, cancellationToken: Ct);

        await Aggregate(source, """{ $merge: { into: "target", whenMatched: "keepExisting", whenNotMatched: "discard" } }""");
        Assert.Equal("""[{ "_id" : 1, "v" : "old", "extra" : 1 }]""", new BsonArray(await target.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct)).ToJson());

        await Aggregate(source, """{ $merge: { into: "target", whenMatched: "replace", whenNotMatched: "discard" } }""");
        Assert.Equal("""[{ "_id" : 1, "v" : "new" }]""", new BsonArray(await target.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct)).ToJson());

        var matched = await Assert.ThrowsAsync<MongoCommandException>(() => Aggregate(source, """{ $merge: { into: "target", whenMatched: "fail" } }"""));
        Assert.Equal(11000, matched.Code);
        var unmatched = await Assert.ThrowsAsync<MongoCommandException>(() => Aggregate(source, """{ $merge: { into: "target", whenMatched: "keepExisting", whenNotMatched: "fail" } }"""));
        Assert.Equal(13113, unmatched.Code);
    }

    [Fact]
    public async Task Merge_on_other_fields_needs_a_unique_index_on_exactly_them()
    {
        var database = NewDatabase();
        var source = database.GetCollection<BsonDocument>("source");
        var target = database.GetCollection<BsonDocument>("target");
        await source.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "sku", "a" }, { "qty", 5 } }, cancellationToken: Ct);
        await target.InsertOneAsync(new BsonDocument { { "_id", 9 }, { "sku", "a" }, { "qty", 1 } }, cancellationToken: Ct);

        var refused = await Assert.ThrowsAsync<MongoCommandException>(() => Aggregate(source, """{ $project: { _id: 0 } }""", """{ $merge: { into: "target", on: "sku" } }"""));
        Assert.Equal(51183, refused.Code);

        await target.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ sku: 1 }", new CreateIndexOptions { Unique = true }), cancellationToken: Ct);
        await Aggregate(source, """{ $project: { _id: 0 } }""", """{ $merge: { into: "target", on: "sku" } }""");

        Assert.Equal("""[{ "_id" : 9, "sku" : "a", "qty" : 5 }]""", new BsonArray(await target.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct)).ToJson());
    }

    [Fact]
    public async Task Date_expressions_read_a_date_in_UTC_or_a_given_timezone()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("agg")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "at", new BsonDateTime(new DateTime(2024, 2, 29, 23, 30, 15, 250, DateTimeKind.Utc)) } }, cancellationToken: Ct);

        var result = Assert.Single(await Aggregate(
            collection,
            """
            { $project: {
                _id: 0,
                iso: { $dateToString: { date: "$at" } },
                day: { $dateToString: { date: "$at", format: "%Y/%m/%d %j" } },
                paris: { $dateToString: { date: "$at", format: "%H:%M", timezone: "Europe/Paris" } },
                offset: { $dateToString: { date: "$at", format: "%d %H:%M %z", timezone: "+05:30" } },
                missing: { $dateToString: { date: "$nothing", onNull: "none" } },
                year: { $year: "$at" }, month: { $month: "$at" }, dayOfMonth: { $dayOfMonth: "$at" },
                hour: { $hour: { date: "$at", timezone: "+01:00" } }, minute: { $minute: "$at" }, second: { $second: "$at" },
                millisecond: { $millisecond: "$at" }, dayOfWeek: { $dayOfWeek: "$at" }, dayOfYear: { $dayOfYear: "$at" }
            } }
            """));

        Assert.Equal(
            BsonDocument.Parse("""
                { iso: "2024-02-29T23:30:15.250Z", day: "2024/02/29 060", paris: "00:30", offset: "01 05:00 +0530", missing: "none",
                  year: 2024, month: 2, dayOfMonth: 29, hour: 0, minute: 30, second: 15, millisecond: 250, dayOfWeek: 5, dayOfYear: 60 }
                """),
            result);
    }

    [Fact]
    public async Task String_expressions_concatenate_cut_split_trim_and_match()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("agg")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "name", "  Ada Lovelace  " }, { "mail", "ada@example.com" }, { "word", "héllo😀" } }, cancellationToken: Ct);

        var result = Assert.Single(await Aggregate(
            collection,
            """
            { $project: {
                _id: 0,
                trimmed: { $trim: { input: "$name" } },
                left: { $ltrim: { input: "$name" } },
                greeting: { $concat: [ "Hi ", { $toLower: { $trim: { input: "$name" } } } ] },
                domain: { $arrayElemAt: [ { $split: [ "$mail", "@" ] }, 1 ] },
                first: { $substrCP: [ "$word", 1, 5 ] },
                length: { $strLenCP: "$word" },
                isMail: { $regexMatch: { input: "$mail", regex: "^[a-z]+@EXAMPLE", options: "i" } },
                isNumber: { $regexMatch: { input: "$mail", regex: { $literal: /^[0-9]+$/ } } }
            } }
            """));

        Assert.Equal(
            BsonDocument.Parse("""
                { trimmed: "Ada Lovelace", left: "Ada Lovelace  ", greeting: "Hi ada lovelace", domain: "example.com",
                  first: "éllo😀", length: 6, isMail: true, isNumber: false }
                """),
            result);
    }

    private IMongoDatabase NewDatabase() => server.Client.GetDatabase(server.NewDatabaseName("agg"));

    private async Task<IMongoCollection<BsonDocument>> NumbersAsync(params int[] ids)
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("agg")).GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync(ids.Select(i => new BsonDocument { { "_id", i }, { "even", i % 2 == 0 } }), cancellationToken: Ct);
        return collection;
    }

    private static async Task<List<BsonDocument>> Aggregate(IMongoCollection<BsonDocument> collection, params string[] stages)
    {
        var pipeline = PipelineDefinition<BsonDocument, BsonDocument>.Create(stages.Select(BsonDocument.Parse));
        return await (await collection.AggregateAsync(pipeline, cancellationToken: Ct)).ToListAsync(Ct);
    }
}
