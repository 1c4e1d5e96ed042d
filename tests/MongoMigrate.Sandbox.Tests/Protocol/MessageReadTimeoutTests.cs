using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class MessageReadTimeoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_that_stops_arriving_halfway_is_cut_off_after_the_read_timeout()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { MessageReadTimeout = TimeSpan.FromMilliseconds(300) }, Ct);
        using var slow = new TcpClient();
        await slow.ConnectAsync("127.0.0.1", sandbox.Port, Ct);
        var message = RawWire.OpMsg(RawWire.Ping());

        await slow.GetStream().WriteAsync(message.AsMemory(0, 5), Ct);

        Assert.True(await RawWire.ClosedByServerAsync(slow.GetStream(), TimeSpan.FromSeconds(15), Ct), "a half-sent message held its connection open");
        using var other = new TcpClient();
        await other.ConnectAsync("127.0.0.1", sandbox.Port, Ct);
        Assert.Equal(1.0, (await RawWire.RoundTripAsync(other.GetStream(), RawWire.Ping(), Ct))["ok"].ToDouble());
    }

    [Fact]
    public async Task A_connection_idle_between_messages_is_never_timed_out()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = time, MessageReadTimeout = TimeSpan.FromSeconds(1) }, Ct);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", sandbox.Port, Ct);
        Assert.Equal(1.0, (await RawWire.RoundTripAsync(client.GetStream(), RawWire.Ping(), Ct))["ok"].ToDouble());

        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1.0, (await RawWire.RoundTripAsync(client.GetStream(), RawWire.Ping(), Ct))["ok"].ToDouble());
    }
}
