using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Cli.Tests;

public class SandboxCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task A_max_connections_below_one_is_a_usage_error_naming_the_option(string value)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("sandbox", "--port", "0", "--max-connections", value);

        Assert.Equal(2, exitCode);
        Assert.Contains("--max-connections must be at least 1", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task An_oplog_size_below_one_megabyte_is_a_usage_error_naming_the_option(string value)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("sandbox", "--port", "0", "--oplog-size", value);

        Assert.Equal(2, exitCode);
        Assert.Contains("--oplog-size must be between 1 and", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_closes_connections_past_max_connections()
    {
        await using var sandbox = ChildProcess.Start(["sandbox", "--port", "0", "--replica-set", "none", "--max-connections", "2"]);
        var line = await sandbox.FirstLineAsync(TimeSpan.FromSeconds(60), Ct);

        // "sandbox listening on 127.0.0.1:PORT mongodb://..."
        var port = int.Parse(line.Split(' ')[3].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        using var first = new TcpClient();
        using var second = new TcpClient();
        using var third = new TcpClient();
        await first.ConnectAsync("127.0.0.1", port, Ct);
        await second.ConnectAsync("127.0.0.1", port, Ct);
        await third.ConnectAsync("127.0.0.1", port, Ct);

        Assert.Equal(0, await ReadOrClosedAsync(third));
    }

    [Fact]
    public async Task Under_a_low_open_files_limit_400_idle_connections_leave_the_sandbox_serving()
    {
        if (!File.Exists("/usr/bin/prlimit"))
        {
            Assert.Skip("prlimit (util-linux) is not installed");
        }

        await using var sandbox = ChildProcess.StartUnder(["/usr/bin/prlimit", "--nofile=200"], ["sandbox", "--port", "0", "--replica-set", "none"]);
        var line = await sandbox.FirstLineAsync(TimeSpan.FromSeconds(60), Ct);
        var port = int.Parse(line.Split(' ')[3].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 400; i++)
            {
                var client = new TcpClient();
                idle.Add(client);
                await client.ConnectAsync("127.0.0.1", port, Ct);
            }

            using var late = new TcpClient();
            await late.ConnectAsync("127.0.0.1", port, Ct);
            Assert.Equal(0, await ReadOrClosedAsync(late));
        }
        finally
        {
            foreach (var client in idle)
            {
                client.Dispose();
            }
        }

        // With the idle ones gone, a new client is served: the process neither spun nor died on EMFILE.
        using var mongo = new MongoClient($"mongodb://127.0.0.1:{port}/?directConnection=true");
        await mongo.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        Assert.False(sandbox.HasExited, sandbox.Error);
    }

    private static async Task<int> ReadOrClosedAsync(TcpClient client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            return await client.GetStream().ReadAsync(new byte[16], timeout.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
