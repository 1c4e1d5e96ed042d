using System.Buffers.Binary;
using System.Net.Sockets;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class NestingDepthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_document_nested_100000_deep_is_refused_with_Overflow_and_the_connection_stays_open()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", sandbox.Port, Ct);
        var stream = client.GetStream();

        var reply = await RawWire.RoundTripAsync(stream, Find(filterDepth: 100_000), Ct);

        Assert.Equal(0.0, reply["ok"].ToDouble());
        Assert.Equal(15, reply["code"].AsInt32);
        Assert.Equal("Overflow", reply["codeName"].AsString);
        Assert.Equal("BSONObj exceeded maximum nested object depth: 200", reply["errmsg"].AsString);
        Assert.Equal(1.0, (await RawWire.RoundTripAsync(stream, RawWire.Ping(), Ct))["ok"].ToDouble());
    }

    [Theory]
    [InlineData(199, 1.0)]
    [InlineData(200, 0.0)]
    public async Task Two_hundred_levels_below_the_command_is_the_limit_as_on_mongod(int filterDepth, double ok)
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", sandbox.Port, Ct);

        // The filter itself is one level below the command, so a filter nested 199 deep reaches level 200.
        var reply = await RawWire.RoundTripAsync(client.GetStream(), Find(filterDepth), Ct);

        Assert.Equal(ok, reply["ok"].ToDouble());
    }

    /// <summary>{find: "c", filter: {a: {a: ... {a: 1}}}, $db: "db"} with <paramref name="filterDepth"/> documents below the filter, written without recursion.</summary>
    private static RawDocument Find(int filterDepth)
    {
        // Each level is: int32 length, 0x03, "a\0", ..., terminating 0 => 8 bytes of framing around the inner one.
        var innermost = new BsonBuilder().StartDocument().Int32("a", 1).End().ToDocument().Span.ToArray();
        var size = innermost.Length + (8 * filterDepth);
        var filter = new byte[size];
        var start = 0;
        for (var level = 0; level < filterDepth; level++)
        {
            var length = size - (8 * level);
            BinaryPrimitives.WriteInt32LittleEndian(filter.AsSpan(start), length);
            filter[start + 4] = 0x03;
            filter[start + 5] = (byte)'a';
            filter[start + 6] = 0;
            filter[start + length - 1] = 0;
            start += 7;
        }

        innermost.CopyTo(filter, start);
        return new BsonBuilder(size + 64).StartDocument()
            .String("find", "c")
            .Document("filter", new RawDocument(filter))
            .String("$db", "db")
            .End().ToDocument();
    }
}
