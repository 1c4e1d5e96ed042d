using System.Buffers.Binary;
using System.Threading.Channels;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bench.Migration.Data;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// The target's write limit: insert commands serialized before the run (the source's documents, in the
/// engine's batch sizes) are read from a file and sent as they are by several writers at once. The client
/// does no BSON work at all (a BsonDocumentCommand over a RawBsonDocument goes to the wire as its bytes),
/// so this is what the target server can take in.
/// </summary>
public static class WriteLimit
{
    public const string Name = "write-limit";

    public static async Task<ChildResult> RunAsync(ChildArguments arguments, CancellationToken cancellationToken)
    {
        var path = arguments.BatchFile ?? throw new ArgumentException("The write limit needs --batches FILE.");
        using var client = new MongoClient(arguments.Target);
        var database = client.GetDatabase(DatasetShape.Database);
        var commands = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(arguments.Workers * 2) { SingleWriter = true });
        long documents = 0, bytes = 0;
        var writers = Enumerable.Range(0, arguments.Workers).Select(_ => Task.Run(
            async () =>
            {
                await foreach (var command in commands.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    using var request = new RawBsonDocument(command);
                    var reply = await database.RunCommandAsync(new BsonDocumentCommand<RawBsonDocument>(request), ReadPreference.Primary, cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref documents, reply["n"].ToInt64());
                    reply.Dispose();
                }
            },
            cancellationToken)).ToList();
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                var header = new byte[4];
                while (await file.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == 4)
                {
                    var command = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
                    header.CopyTo(command, 0);
                    await file.ReadExactlyAsync(command.AsMemory(4), cancellationToken).ConfigureAwait(false);
                    bytes += command.Length;
                    await commands.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            commands.Writer.TryComplete();
            await Task.WhenAll(writers).ConfigureAwait(false);
        }

        // Bytes here are command bytes; the harness rates every contender by the dataset's document bytes.
        return new ChildResult(documents, bytes);
    }
}
