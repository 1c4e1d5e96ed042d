using System.Buffers.Binary;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class MalformedInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, byte[]> BadMessages => new()
    {
        { "length below the header size", Message(length: 8, opCode: 2013, body: []) },
        { "length beyond the maximum", Message(length: 100_000_000, opCode: 2013, body: []) },
        { "unknown opcode", Message(opCode: 9999, body: [0, 0, 0, 0]) },
        { "truncated BSON in the body", Message(opCode: 2013, body: [0, 0, 0, 0, 0, 40, 0, 0, 0, 16, 97, 0]) },
        { "document longer than its section", Message(opCode: 2013, body: [0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0]) },
        { "unknown section kind", Message(opCode: 2013, body: [0, 0, 0, 0, 7, 5, 0, 0, 0, 0]) },
        { "no command body", Message(opCode: 2013, body: [0, 0, 0, 0]) },
        { "a header and then nothing", Message(length: 64, opCode: 2013, body: []) },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Garbage_closes_only_that_connection_and_the_server_keeps_serving(string why, byte[] message)
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync("127.0.0.1", sandbox.Port, Ct);
            var stream = raw.GetStream();
            await stream.WriteAsync(message, Ct);
            raw.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[64];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read == 0, $"{why}: the server answered instead of closing");
        }

        Assert.Equal(1, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
    }

    private static byte[] Message(int opCode, byte[] body, int? length = null)
    {
        var bytes = new byte[16 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length ?? bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), opCode);
        body.CopyTo(bytes, 16);
        return bytes;
    }
}
