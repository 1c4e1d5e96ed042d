using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Bench.Migration.Data;

/// <summary>
/// A steady write load on the source's benchmark collections, as an application would make during an online
/// migration: every 20 ms one collection (in turn) gets an unordered bulk write of its share of the rate: 30 %
/// inserts of new documents of the dataset's size, 30 % updates ($set, $inc) and 20 % replaces of existing
/// documents (a few hot ones among them), 20 % deletes of documents the load inserted itself. When a bulk write
/// takes longer than its tick the load falls behind: <see cref="StopAsync"/> says the rate it reached.
/// </summary>
public sealed class SourceWriteLoad
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly IMongoClient _client;
    private readonly int _opsPerSecond;
    private readonly int _documentSize;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private long _operations;
    private long _failures;
    private string? _lastFailure;
    private Task _running = Task.CompletedTask;

    private SourceWriteLoad(IMongoClient client, int opsPerSecond, int documentSize)
    {
        _client = client;
        _opsPerSecond = opsPerSecond;
        _documentSize = documentSize;
    }

    /// <summary>Starts writing <paramref name="opsPerSecond"/> operations a second to the source at <paramref name="uri"/>.</summary>
    public static SourceWriteLoad Start(string uri, int opsPerSecond, int documentSize)
    {
        var load = new SourceWriteLoad(new MongoClient(uri), opsPerSecond, documentSize);
        load._running = load.RunAsync(load._stop.Token);
        return load;
    }

    /// <summary>Stops the load and says what it did.</summary>
    public async Task<WriteLoadResult> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }
        finally
        {
            _clock.Stop();
            _stop.Dispose();
            _client.Dispose();
        }

        return new WriteLoadResult(_operations, _clock.Elapsed.TotalSeconds, _failures, _lastFailure);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var database = _client.GetDatabase(DatasetShape.Database);
        var names = await SourceDataset.CollectionNamesAsync(_client, cancellationToken).ConfigureAwait(false);
        var targets = new List<CollectionTargets>();
        foreach (var name in names)
        {
            var collection = database.GetCollection<BsonDocument>(name);
            var ids = await collection.Find(FilterDefinition<BsonDocument>.Empty).Project(Builders<BsonDocument>.Projection.Include("_id")).Limit(500)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            targets.Add(new CollectionTargets(collection, [.. ids.Select(d => d["_id"])]));
        }

        if (targets.Count == 0)
        {
            return;
        }

        var random = new Random(20_261_203);
        var turn = 0;
        var padding = new string('w', Math.Max(0, _documentSize - 80));
        using var timer = new PeriodicTimer(Tick);
        _clock.Start();
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            // What the rate owes by now, so that ticks missed while a bulk write took longer are made up (at most a second's worth).
            var owed = (long)(_clock.Elapsed.TotalSeconds * _opsPerSecond) - _operations;
            var count = (int)Math.Clamp(owed, 0, _opsPerSecond);
            if (count == 0)
            {
                continue;
            }

            var target = targets[turn++ % targets.Count];
            var models = new List<WriteModel<BsonDocument>>(count);
            for (var i = 0; i < count; i++)
            {
                models.Add(target.Next(random, padding, _operations + i));
            }

            try
            {
                await target.Collection.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MongoException && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                _lastFailure = e.Message;
            }

            Interlocked.Add(ref _operations, count);
        }
    }

    /// <summary>One collection's documents to write to: a sample of its own, and those the load inserted (oldest first).</summary>
    private sealed class CollectionTargets(IMongoCollection<BsonDocument> collection, BsonValue[] sample)
    {
        private readonly Queue<BsonValue> _inserted = new();

        public IMongoCollection<BsonDocument> Collection { get; } = collection;

        public WriteModel<BsonDocument> Next(Random random, string padding, long serial)
        {
            var kind = random.Next(10);
            if (kind >= 8 && _inserted.TryDequeue(out var old))
            {
                return new DeleteOneModel<BsonDocument>(Builders<BsonDocument>.Filter.Eq("_id", old));
            }

            if (kind < 3 || sample.Length == 0)
            {
                var id = ObjectId.GenerateNewId();
                _inserted.Enqueue(id);
                return new InsertOneModel<BsonDocument>(Body(id, padding, serial));
            }

            // One write in ten goes to one of the first 10 documents: hot keys, changed again and again.
            var pick = random.Next(10) == 0 ? sample[random.Next(Math.Min(10, sample.Length))] : sample[random.Next(sample.Length)];
            var key = Builders<BsonDocument>.Filter.Eq("_id", pick);
            return kind is 6 or 7
                ? new ReplaceOneModel<BsonDocument>(key, Body(pick, padding, serial))
                : new UpdateOneModel<BsonDocument>(key, Builders<BsonDocument>.Update.Set("w", serial).Set("at", DateTime.UtcNow).Inc("n", 1L));
        }

        private static BsonDocument Body(BsonValue id, string padding, long serial) => new()
        {
            { "_id", id },
            { "n", serial },
            { "at", DateTime.UtcNow },
            { "w", serial },
            { "padding", padding },
        };
    }
}
