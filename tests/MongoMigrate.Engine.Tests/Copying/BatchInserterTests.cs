using MongoMigrate.Bson;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Copying;

public class BatchInserterTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_inserts_through_one_inserter_store_every_document_unchanged()
    {
        // The inserter reuses its command buffers: batches sent at the same time must never share one.
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("inserter")));
        var inserter = new BatchInserter(runner, "c");
        var batches = Enumerable.Range(0, 8).Select(b => Enumerable.Range(0, 2500).Select(i => new BsonBuilder().StartDocument()
            .Int64("_id", (b * 10_000L) + i)
            .Double("negativeZero", -0.0)
            .String("padding", new string((char)('a' + b), 200 + (i % 50)))
            .End().ToDocument()).ToList()).ToList();

        var first = await Task.WhenAll(batches.Select(batch => inserter.InsertAsync(batch, Ct)));
        var again = await Task.WhenAll(batches.Concat(batches).Select(batch => inserter.InsertAsync(batch, Ct)));

        Assert.All(first, r => Assert.Equal((2500L, 0L), (r.Inserted, r.AlreadyPresent)));
        Assert.All(again, r => Assert.Equal((0L, 2500L), (r.Inserted, r.AlreadyPresent)));
        var find = new BsonBuilder().StartDocument().String("find", "c").StartDocument("sort").Int32("_id", 1).End().End().ToDocument();
        var stored = await (await RawCursor.OpenAsync(runner, find, null, Ct)).ToListAsync(Ct);
        Assert.Equal(batches.SelectMany(b => b).Select(d => Convert.ToHexString(d.Span)), stored.Select(d => Convert.ToHexString(d.Span)));
    }

    [Fact]
    public async Task A_document_already_present_counts_as_such_only_with_the_same_bytes_and_is_replaced_otherwise()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("present")));
        var inserter = new BatchInserter(runner, "c");
        RawDocument Document(long id, string value, bool idLast = false) => idLast
            ? new BsonBuilder().StartDocument().String("v", value).Int64("_id", id).End().ToDocument()
            : new BsonBuilder().StartDocument().Int64("_id", id).String("v", value).End().ToDocument();
        await inserter.InsertAsync([Document(1, "one"), Document(2, "damaged"), Document(3, "three"), Document(4, "four")], Ct);

        // 1 is the same; 2 differs; 3 is the same once stored with _id first, as the server stores it; 5 is new.
        var result = await inserter.InsertAsync([Document(1, "one"), Document(2, "two"), Document(3, "three", idLast: true), Document(5, "five")], Ct);

        Assert.Equal(new InsertResult(Inserted: 1, AlreadyPresent: 2, Replaced: 1), result);
        var find = new BsonBuilder().StartDocument().String("find", "c").StartDocument("sort").Int32("_id", 1).End().End().ToDocument();
        var stored = await (await RawCursor.OpenAsync(runner, find, null, Ct)).ToListAsync(Ct);
        Assert.Equal(
            new[] { Document(1, "one"), Document(2, "two"), Document(3, "three"), Document(4, "four"), Document(5, "five") }.Select(d => Convert.ToHexString(d.Span)),
            stored.Select(d => Convert.ToHexString(d.Span)));
    }

    [Fact]
    public async Task A_top_level_empty_timestamp_arrives_as_sent_where_a_plain_insert_would_store_the_current_time()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("emptyts")));
        var inserter = new BatchInserter(runner, "c");
        var documents = Enumerable.Range(0, 3).Select(i => new BsonBuilder().StartDocument()
            .Int32("_id", i).Timestamp("empty", 0).Timestamp("second", 0).String("v", "x").End().ToDocument()).ToList();

        try
        {
            await inserter.InsertAsync(documents, Ct);
        }
        catch (MigrationException e) when (e.InnerException is MongoDB.Driver.MongoCommandException { Code: EmptyTimestamps.UnknownFieldCode })
        {
            Assert.Skip("This server predates bypassEmptyTsReplacement (SERVER-88750: 8.0, 7.0.13, 6.0.17, 5.0.29); the copy stops instead.");
        }

        var again = await inserter.InsertAsync(documents, Ct);

        Assert.Equal(3, again.AlreadyPresent);
        var find = new BsonBuilder().StartDocument().String("find", "c").StartDocument("sort").Int32("_id", 1).End().End().ToDocument();
        var stored = await (await RawCursor.OpenAsync(runner, find, null, Ct)).ToListAsync(Ct);
        Assert.Equal(documents.Select(d => Convert.ToHexString(d.Span)), stored.Select(d => Convert.ToHexString(d.Span)));
    }

    [Fact]
    public async Task A_target_that_refuses_bypassEmptyTsReplacement_fails_the_batch_with_the_document_and_what_to_do()
    {
        var sandbox = server.RequireSandbox();
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("oldtarget")));
        var inserter = new BatchInserter(runner, "c");
        sandbox.Faults.Add(new Sandbox.Faults.FailPoint { Commands = ["insert"], ErrorCode = EmptyTimestamps.UnknownFieldCode });

        var refused = await Assert.ThrowsAsync<MigrationException>(() => inserter.InsertAsync(
            [new BsonBuilder().StartDocument().Int32("_id", 1).End().ToDocument(), new BsonBuilder().StartDocument().Int32("_id", 2).Timestamp("at", 0).End().ToDocument()], Ct));

        Assert.Equal(
            "A document of c (_id 2) has a top-level Timestamp(0,0), which this target would replace with the current time: it does not accept bypassEmptyTsReplacement "
            + "(MongoDB 8.0, 7.0.13, 6.0.17, 5.0.29 and later do). Upgrade the target to such a version, or change those values on the source, then resume.",
            refused.Message);
    }
}
