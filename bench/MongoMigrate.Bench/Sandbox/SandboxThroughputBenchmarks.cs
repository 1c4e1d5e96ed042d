using BenchmarkDotNet.Attributes;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Bench.Sandbox;

/// <summary>
/// The sandbox's own limits through the official driver: InsertMany of 1000 documents of 1 KB,
/// and draining a cursor over 10,000 such documents. Documents travel as RawBsonDocument so the
/// figures measure the server and the wire, not the driver's serializer.
/// </summary>
[MemoryDiagnoser]
public class SandboxThroughputBenchmarks
{
    private const int DocumentSize = 1024;
    private const int DrainCount = 10_000;

    private SandboxServer _server = null!;
    private MongoClient _client = null!;
    private IMongoDatabase _database = null!;
    private RawBsonDocument[] _batch = null!;
    private IMongoCollection<RawBsonDocument> _drainCollection = null!;
    private int _collection;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 100_000 });
        _client = new MongoClient(_server.ConnectionString);
        _database = _client.GetDatabase("bench");
        _batch = Enumerable.Range(0, 1000).Select(i => Document(i)).ToArray();
        _drainCollection = _database.GetCollection<RawBsonDocument>("drain");
        for (var i = 0; i < DrainCount; i += 1000)
        {
            await _drainCollection.InsertManyAsync(Enumerable.Range(i, 1000).Select(Document));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [IterationCleanup]
    public void DropInsertCollections()
    {
        for (var i = 0; i < _collection; i++)
        {
            _database.DropCollection("insert" + i);
        }

        _collection = 0;
    }

    /// <summary>One InsertMany of 1000 documents of 1 KB (about 1 MB).</summary>
    [Benchmark]
    public Task InsertMany1000() =>
        _database.GetCollection<RawBsonDocument>("insert" + _collection++).InsertManyAsync(_batch);

    /// <summary>Reads 10,000 documents of 1 KB (about 10 MB) through one cursor.</summary>
    [Benchmark]
    public async Task<int> DrainCursor10000()
    {
        var count = 0;
        using var cursor = await _drainCollection.FindAsync(FilterDefinition<RawBsonDocument>.Empty);
        while (await cursor.MoveNextAsync())
        {
            foreach (var document in cursor.Current)
            {
                count++;
                document.Dispose();
            }
        }

        return count;
    }

    private static RawBsonDocument Document(int id)
    {
        var document = new BsonDocument { { "_id", id }, { "name", "document " + id }, { "payload", new string('x', 1) } };
        var overhead = document.ToBson().Length;
        document["payload"] = new string('x', DocumentSize - overhead + 1);
        return new RawBsonDocument(document.ToBson());
    }
}
