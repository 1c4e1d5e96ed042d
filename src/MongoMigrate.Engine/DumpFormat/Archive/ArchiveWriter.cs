using System.IO.Compression;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>
/// Writes a mongodump archive. The prelude is written at creation; then any number of producers, one per
/// namespace, write documents through <see cref="ArchiveNamespaceWriter"/>s concurrently. Each producer builds
/// whole segments in its own buffer and appends them to the one output under a lock, so segments of different
/// namespaces interleave and memory stays at one segment per open namespace.
/// </summary>
public sealed class ArchiveWriter : IAsyncDisposable
{
    private readonly Stream _output;
    private readonly Stream _sink;
    private readonly ArchiveWriterOptions _options;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<(string, string), ArchiveNamespace> _declared = [];
    private readonly Dictionary<ArchiveNamespace, ArchiveNamespaceWriter> _writers = [];
    private readonly Lock _writersLock = new();
    private Exception? _fault;
    private bool _completed;
    private bool _disposed;

    private ArchiveWriter(Stream output, Stream sink, ArchiveWriterOptions options, IReadOnlyList<ArchiveNamespace> namespaces)
    {
        _output = output;
        _sink = sink;
        _options = options;
        Namespaces = namespaces;
        foreach (var ns in namespaces)
        {
            if (!_declared.TryAdd((ns.Database, ns.Collection), ns))
            {
                throw new ArgumentException($"Namespace {ns.FullName} is listed twice.", nameof(namespaces));
            }

            if (ns.IsTimeSeries)
            {
                _declared.TryAdd((ns.Database, ns.DataCollection), ns);
            }
        }
    }

    public IReadOnlyList<ArchiveNamespace> Namespaces { get; }

    internal ArchiveWriterOptions Options => _options;

    /// <summary>Starts an archive: writes the magic, the header, one collection-metadata document per namespace and the terminator.</summary>
    public static async Task<ArchiveWriter> CreateAsync(
        Stream output,
        ArchiveHeader header,
        IEnumerable<ArchiveNamespace> namespaces,
        ArchiveWriterOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        options ??= ArchiveWriterOptions.Default;
        if (options.MaxSegmentBytes < 1 || options.MaxSegmentDocuments < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Segments must allow at least one byte and one document.");
        }

        var list = namespaces.ToList();
        Stream sink = options.Gzip && !options.ParallelCompression
            ? new GZipStream(output, options.CompressionLevel, leaveOpen: true)
            : output;
        var writer = new ArchiveWriter(output, sink, options, list);
        var prelude = BuildPrelude(header, list);
        await writer.WriteBlockAsync(prelude, null, cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>A writer for the documents of one namespace, named as its segments name it (system.buckets.&lt;name&gt; for time-series data).</summary>
    public ArchiveNamespaceWriter OpenNamespace(string database, string dataCollection)
    {
        // Time-series data goes under system.buckets.<name> (servers before 8.3) or under the name itself.
        if (!_declared.TryGetValue((database, dataCollection), out var ns))
        {
            throw new InvalidOperationException($"Namespace {database}.{dataCollection} is not in the archive's prelude; a reader would refuse its segments.");
        }

        return Open(ns, dataCollection);
    }

    /// <summary>A writer for the documents of a namespace listed in the prelude (time-series data under system.buckets.&lt;name&gt;).</summary>
    public ArchiveNamespaceWriter OpenNamespace(ArchiveNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return Open(ns, ns.DataCollection);
    }

    private ArchiveNamespaceWriter Open(ArchiveNamespace ns, string dataCollection)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_writersLock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("The archive is already complete.");
            }

            if (!_declared.TryGetValue((ns.Database, ns.Collection), out var declared) || declared != ns)
            {
                throw new InvalidOperationException($"Namespace {ns.FullName} is not in the archive's prelude.");
            }

            if (_writers.ContainsKey(ns))
            {
                throw new InvalidOperationException($"Namespace {ns.FullName} is already open; an archive carries each namespace's documents under one CRC.");
            }

            var writer = new ArchiveNamespaceWriter(this, ns, ns.Database, dataCollection);
            _writers.Add(ns, writer);
            return writer;
        }
    }

    /// <summary>
    /// Finishes the archive once every namespace's writer has completed (mongorestore refuses an archive that
    /// lists a namespace it never carries); flushes and, with gzip, writes the gzip trailer.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        List<string> missing;
        lock (_writersLock)
        {
            missing = Namespaces
                .Where(ns => !ns.IsTimeSeries || _writers.ContainsKey(ns))
                .Where(ns => !_writers.TryGetValue(ns, out var w) || !w.IsComplete)
                .Select(ns => ns.FullName)
                .ToList();
            if (missing.Count == 0)
            {
                _completed = true;
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Namespaces not written to completion: {string.Join(", ", missing)}.");
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFaulted();
            if (_sink != _output)
            {
                await _sink.DisposeAsync().ConfigureAwait(false);
            }

            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _fault ??= e;
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        List<ArchiveNamespaceWriter> writers;
        lock (_writersLock)
        {
            writers = [.. _writers.Values];
        }

        foreach (var writer in writers)
        {
            writer.ReleaseBuffers();
        }

        if (_sink != _output && !_completed)
        {
            try
            {
                await _sink.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The archive is incomplete anyway; the error that stopped it matters, not this one.
            }
        }

        if (!_options.LeaveOpen)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }

        _lock.Dispose();
    }

    /// <summary>Appends one whole block (prelude, segment or EOF block) to the output under the lock.</summary>
    internal async ValueTask WriteBlockAsync(ReadOnlyMemory<byte> block, ArchiveNamespaceWriter? producer, CancellationToken cancellationToken)
    {
        ThrowIfFaulted();
        var payload = block;
        if (_options.Gzip && _options.ParallelCompression)
        {
            // Compressed here, on the producer's thread, so that only the copy to the output is serialised.
            payload = producer is null ? GzipMember.Compress(block, _options.CompressionLevel) : producer.Compress(block);
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFaulted();
            await _sink.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A partly written block corrupts the archive for everyone, including a cancelled write.
            _fault ??= e;
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw new InvalidOperationException("The archive writer failed earlier; the archive is incomplete.", _fault);
        }
    }

    private static byte[] BuildPrelude(ArchiveHeader header, List<ArchiveNamespace> namespaces)
    {
        var builder = new BsonBuilder(1024);
        builder.RawBytes(ArchiveFormat.MagicBytes);
        builder.StartDocument()
            .Int32("concurrent_collections", header.ConcurrentCollections)
            .String("version", header.FormatVersion)
            .String("server_version", header.ServerVersion)
            .String("tool_version", header.ToolVersion);
        if (header.SourceDeployment is { } source)
        {
            builder.String("source_deployment", source);
        }

        builder.End();
        foreach (var ns in namespaces)
        {
            builder.StartDocument()
                .String("db", ns.Database)
                .String("collection", ns.Collection)
                .String("metadata", ns.MetadataJson)
                .Int32("size", ns.Size)
                .String("type", ns.Type)
                .End();
        }

        builder.RawBytes(ArchiveFormat.TerminatorBytes);
        return builder.ToArray();
    }
}
