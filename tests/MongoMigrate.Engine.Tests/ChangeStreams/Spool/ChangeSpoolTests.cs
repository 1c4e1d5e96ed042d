using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ChangeStreams.Spool;
using MongoMigrate.Engine.ChunkStorage;

namespace MongoMigrate.Engine.Tests.ChangeStreams.Spool;

public sealed class ChangeSpoolTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mm-spool-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SpoolOptions SmallSegments => new() { SegmentBytes = 4096, BufferBytes = 4096 };

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Events_round_trip_byte_for_byte_across_segments_in_order()
    {
        var events = Enumerable.Range(0, 300).Select(Event).ToList();
        await using (var spool = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), SmallSegments, cancellationToken: Ct))
        {
            foreach (var chunk in events.Chunk(7))
            {
                await spool.WriteAsync(new ChangeStreamBatch(chunk, null, null), Ct);
            }

            Assert.True(spool.SegmentCount > 3);
            Assert.Equal(300, spool.NextSequence);
            using var reader = spool.OpenReader(0);
            var read = await ReadAllAsync(reader);
            Assert.Equal(events.Select(e => Convert.ToHexString(e.Span)), read.Select(r => Convert.ToHexString(r.Payload.Span)));
            Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), read.Select(r => r.Sequence));
        }

        await using var reopened = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), SmallSegments, cancellationToken: Ct);
        Assert.Equal(300, reopened.NextSequence);
        Assert.Equal(events[^1]["_id"].AsDocument, reopened.LastToken);
        using var fromMiddle = reopened.OpenReader(123);
        Assert.Equal(Enumerable.Range(123, 177).Select(i => (long)i), (await ReadAllAsync(fromMiddle)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_torn_tail_after_a_crash_is_cut_off_and_writing_goes_on_after_the_last_whole_record()
    {
        await using (var spool = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), cancellationToken: Ct))
        {
            await spool.WriteAsync(new ChangeStreamBatch(Enumerable.Range(0, 10).Select(Event).ToList(), null, null), Ct);
        }

        var file = Directory.GetFiles(_folder).Single();
        var length = new FileInfo(file).Length;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            // Half of the last record made it to disk.
            stream.SetLength(length - (Event(9).Length / 2));
        }

        await using var recovered = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), cancellationToken: Ct);
        Assert.Equal(9, recovered.NextSequence);
        Assert.Equal(Event(8)["_id"].AsDocument, recovered.LastToken);
        await recovered.WriteAsync(new ChangeStreamBatch([Event(9), Event(10)], null, null), Ct);
        using var reader = recovered.OpenReader(0);
        var read = await ReadAllAsync(reader);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => Convert.ToHexString(Event(i).Span)), read.Select(r => Convert.ToHexString(r.Payload.Span)));
    }

    [Fact]
    public async Task A_flipped_byte_inside_the_spool_is_detected_and_named()
    {
        await using (var spool = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), cancellationToken: Ct))
        {
            await spool.WriteAsync(new ChangeStreamBatch(Enumerable.Range(0, 10).Select(Event).ToList(), null, null), Ct);
        }

        var file = Directory.GetFiles(_folder).Single();
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(file, bytes, Ct);

        var error = await Assert.ThrowsAsync<SpoolCorruptedException>(() => ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), cancellationToken: Ct));
        Assert.Equal(file, error.File);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_detects_a_flipped_byte_in_a_closed_segment()
    {
        await using var spool = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), SmallSegments, cancellationToken: Ct);
        await spool.WriteAsync(new ChangeStreamBatch(Enumerable.Range(0, 100).Select(Event).ToList(), null, null), Ct);
        var first = Directory.GetFiles(_folder).Order(StringComparer.Ordinal).First();
        await using (var stream = new FileStream(first, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Position = 100;
            var b = stream.ReadByte();
            stream.Position = 100;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        using var reader = spool.OpenReader(0);
        await Assert.ThrowsAsync<SpoolCorruptedException>(() => ReadAllAsync(reader));
    }

    [Fact]
    public async Task Applied_segments_are_deleted_and_their_disk_budget_given_back_and_capture_waits_while_the_budget_is_spent()
    {
        var budget = new DiskBudget(3 * 4096);
        await using var spool = await ChangeSpool.OpenAsync(_folder, budget, SmallSegments, cancellationToken: Ct);
        var written = 0;
        var writing = Task.Run(
            async () =>
            {
                foreach (var i in Enumerable.Range(0, 200))
                {
                    await spool.WriteAsync(new ChangeStreamBatch([Event(i)], null, null), Ct);
                    Interlocked.Increment(ref written);
                }
            },
            Ct);

        using var reader = spool.OpenReader(0);
        var read = new List<long>();
        while (read.Count < 200)
        {
            var record = await reader.ReadAsync(Ct);
            read.Add(record.Sequence);
            Assert.True(budget.Used <= budget.Capacity, $"{budget.Used} of {budget.Capacity}");
            if (read.Count % 10 == 0)
            {
                spool.DeleteBefore(record.Sequence + 1);
            }
        }

        await writing;
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), read);
        spool.DeleteBefore(200);
        Assert.Equal(1, spool.SegmentCount);
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task An_idle_batch_leaves_its_post_batch_token_as_a_progress_record_once()
    {
        await using var spool = await ChangeSpool.OpenAsync(_folder, new DiskBudget(long.MaxValue), cancellationToken: Ct);
        var token = new BsonBuilder().StartDocument().String("_data", "82000000010000000100").End().ToDocument();
        await spool.WriteAsync(new ChangeStreamBatch([], token, null), Ct);
        await spool.WriteAsync(new ChangeStreamBatch([], token, null), Ct);
        using var reader = spool.OpenReader(0);
        var read = await ReadAllAsync(reader);
        var record = Assert.Single(read);
        Assert.Equal(SpoolRecordKind.Progress, record.Kind);
        Assert.Equal(token, record.Token);
        Assert.Equal(token, spool.LastToken);
    }

    private static RawDocument Event(int i) =>
        new BsonBuilder().StartDocument()
            .StartDocument("_id").String("_data", $"82{i:X16}").End()
            .String("operationType", "insert")
            .StartDocument("fullDocument").Int32("_id", i).String("pad", new string('x', i % 50)).Double("negZero", -0.0).End()
            .End().ToDocument();

    private static async Task<List<SpoolRecord>> ReadAllAsync(SpoolReader reader)
    {
        var records = new List<SpoolRecord>();
        while (await reader.TryReadAsync(Ct) is { } record)
        {
            records.Add(record);
        }

        return records;
    }
}
