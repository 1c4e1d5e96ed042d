using System.Buffers.Binary;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class ServerLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unknown_command_fails_with_code_59_naming_it()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(sandbox.ConnectionString);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => client.GetDatabase("db").RunCommandAsync<BsonDocument>(new BsonDocument("frobnicate", 1), cancellationToken: Ct));

        Assert.Equal(59, error.Code);
        Assert.Equal("CommandNotFound", error.CodeName);
        Assert.Contains("frobnicate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_over_16_MiB_is_refused_as_the_server_refuses_it()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var tooBig = new BsonBuilder().StartDocument().Int32("_id", 1).String("blob", new string('b', 16 * 1024 * 1024)).End().ToDocument();
        var body = new BsonBuilder().StartDocument().String("insert", "c").String("$db", "db").End().ToDocument();

        // The driver refuses such a document itself, so it is sent by hand: an OP_MSG with a document sequence.
        var reply = await SendOpMsgAsync(sandbox.Port, body, "documents", tooBig);

        var writeErrors = reply["writeErrors"].AsDocument.Values();
        Assert.Equal(10334, Assert.Single(writeErrors).AsDocument["code"].AsInt32);
        Assert.Equal(0, reply["n"].AsInt32);
        using var client = new MongoClient(sandbox.ConnectionString);
        Assert.Equal(0, await client.GetDatabase("db").GetCollection<BsonDocument>("c").EstimatedDocumentCountAsync(cancellationToken: Ct));
    }

    private static async Task<RawDocument> SendOpMsgAsync(int port, RawDocument body, string sequenceName, RawDocument document)
    {
        var identifier = System.Text.Encoding.UTF8.GetBytes(sequenceName);
        var sectionSize = 4 + identifier.Length + 1 + document.Length;
        var length = 16 + 4 + 1 + body.Length + 1 + sectionSize;
        var message = new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(message, length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), 7);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), 2013);
        var position = 20;
        message[position++] = 0;
        body.Span.CopyTo(message.AsSpan(position));
        position += body.Length;
        message[position++] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(position), sectionSize);
        position += 4;
        identifier.CopyTo(message, position);
        position += identifier.Length + 1;
        document.Span.CopyTo(message.AsSpan(position));

        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", port, Ct);
        var stream = socket.GetStream();
        await stream.WriteAsync(message, Ct);
        var header = new byte[16];
        await stream.ReadExactlyAsync(header, Ct);
        var replyLength = BinaryPrimitives.ReadInt32LittleEndian(header);
        var rest = new byte[replyLength - 16];
        await stream.ReadExactlyAsync(rest, Ct);
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)));
        return new RawDocument(rest.AsMemory(5));
    }
}
