using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// A full disk under the work folder, without root or a real small volume: the engine's file system seam
/// reports the free space the test chooses and fails writes as the kernel does (ENOSPC) once the disk is full.
/// </summary>
public sealed class DiskFullTests(JobTestBed bed) : IClassFixture<JobTestBed>
{
    private readonly JobTestBed _bed = bed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_disk_that_fills_up_while_dumping_fails_the_chunk_clearly_leaves_no_partial_file_and_a_resume_finishes()
    {
        const string jobId = "full";
        var options = _bed.Options(CopyMethod.DumpRestore, jobId, "full") with { MaxChunkAttempts = 2 };
        var disk = new FillingDisk(capacity: 1_500_000);

        var failed = await _bed.Job(options, fileSystem: disk).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.True(disk.Refusals > 0);
        var reasons = failed.Collections.SelectMany(c => c.FailedChunks).Select(f => f.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains("is full", r, StringComparison.Ordinal));
        Assert.All(reasons, r => Assert.Contains("Free some space or lower --disk-budget, then resume", r, StringComparison.Ordinal));
        Assert.All(failed.Collections.SelectMany(c => c.FailedChunks), f => Assert.Equal(1, f.Attempts));
        await AssertNoPartialOrUnrecordedFilesAsync(jobId);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "full");
    }

    [Fact]
    public async Task Too_little_free_space_for_a_chunk_fails_it_before_anything_is_written()
    {
        const string jobId = "tiny";
        var options = _bed.Options(CopyMethod.DumpRestore, jobId, "tiny");
        var disk = new FillingDisk(capacity: long.MaxValue) { Free = 200 * 1024 };

        var failed = await _bed.Job(options, fileSystem: disk).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.All(failed.Collections, c => Assert.Equal(CollectionStatus.Failed, c.Status));
        Assert.Contains("has 0 MB free but chunk", failed.Collections[0].FailedChunks[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0, disk.Written);
        await AssertNoPartialOrUnrecordedFilesAsync(jobId);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "tiny");
    }

    /// <summary>Every file in the chunk folder belongs to a Dumped chunk and checks out; nothing half written is left.</summary>
    private async Task AssertNoPartialOrUnrecordedFilesAsync(string jobId)
    {
        var jobFolder = Path.Combine(_bed.Work, jobId);
        await using var state = await _bed.OpenStateAsync(jobId, Ct);
        var owned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var collection in await state.GetCollectionsAsync(jobId, Ct))
        {
            foreach (var chunk in await state.GetChunksAsync(jobId, collection.SourceNamespace, Ct))
            {
                if (chunk.Status == ChunkStatus.Dumped)
                {
                    var path = Path.Combine(jobFolder, chunk.File!);
                    Assert.True(File.Exists(path), $"chunk {chunk.Index} of {collection.SourceNamespace} is Dumped but its file is gone");
                    owned.Add(Path.GetFullPath(path));
                }
            }
        }

        var chunkFolder = Path.Combine(jobFolder, "chunks");
        var files = Directory.Exists(chunkFolder) ? Directory.EnumerateFiles(chunkFolder, "*", SearchOption.AllDirectories).ToList() : [];
        Assert.All(files, f => Assert.Contains(Path.GetFullPath(f), owned));
    }

    /// <summary>A disk of a given capacity: reports what is left, and refuses a write past it with ENOSPC, as Linux does.</summary>
    private sealed class FillingDisk(long capacity) : IChunkFileSystem
    {
        private long _written;
        private int _refusals;

        /// <summary>What the disk says is free; by default what is left of the capacity.</summary>
        public long? Free { get; init; }

        public long Written => Interlocked.Read(ref _written);

        public int Refusals => Volatile.Read(ref _refusals);

        public long AvailableBytes(string directory) => Free ?? Math.Max(0, capacity - Written) + (256L * 1024 * 1024);

        public Stream CreateFile(string path) => new FillingStream(this, LocalChunkFileSystem.Instance.CreateFile(path));

        private void Take(int bytes)
        {
            if (Interlocked.Add(ref _written, bytes) > capacity)
            {
                Interlocked.Add(ref _written, -bytes);
                Interlocked.Increment(ref _refusals);
                throw new IOException("No space left on device", 28);
            }
        }

        private sealed class FillingStream(FillingDisk disk, Stream inner) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => inner.Length;

            public override long Position
            {
                get => inner.Position;
                set => throw new NotSupportedException();
            }

            public override void Flush() => inner.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count)
            {
                disk.Take(count);
                inner.Write(buffer, offset, count);
            }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                disk.Take(buffer.Length);
                await inner.WriteAsync(buffer, cancellationToken);
            }

            public override ValueTask DisposeAsync() => inner.DisposeAsync();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
