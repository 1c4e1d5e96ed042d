using System.Net.Sockets;

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

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        int read;
        try
        {
            read = await third.GetStream().ReadAsync(new byte[16], timeout.Token);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
    }
}
