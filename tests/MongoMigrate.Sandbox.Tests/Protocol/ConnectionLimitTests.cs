using System.Net.Sockets;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class ConnectionLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connections_past_the_limit_are_closed_and_the_others_keep_being_served()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { MaxConnections = 3 }, Ct);
        var served = new List<TcpClient>();
        var extra = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await ConnectAsync(sandbox.Port);
                served.Add(client);
                Assert.Equal(1.0, (await RawWire.RoundTripAsync(client.GetStream(), RawWire.Ping(), Ct))["ok"].ToDouble());
            }

            for (var i = 0; i < 5; i++)
            {
                extra.Add(await ConnectAsync(sandbox.Port));
            }

            foreach (var client in extra)
            {
                Assert.True(await RawWire.ClosedByServerAsync(client.GetStream(), TimeSpan.FromSeconds(10), Ct), "a connection past the limit was kept open");
            }

            foreach (var client in served)
            {
                Assert.Equal(1.0, (await RawWire.RoundTripAsync(client.GetStream(), RawWire.Ping(), Ct))["ok"].ToDouble());
            }

            Assert.Equal(3, sandbox.ConnectionCount);
        }
        finally
        {
            foreach (var client in served.Concat(extra))
            {
                client.Dispose();
            }
        }
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, Ct);
        return client;
    }
}
