namespace MongoMigrate.Cli.Tests;

public class DemoCommandTests
{
    [Theory]
    [InlineData("dump-restore")]
    [InlineData("direct")]
    public async Task A_small_demo_migrates_and_proves_equality(string method)
    {
        var (code, output, error) = await CliRunner.RunAsync("demo", "--docs", "3000", "--collections", "6", "--method", method);

        Assert.True(code == 0, error + output);
        Assert.Contains("completed", output, StringComparison.Ordinal);
        Assert.Contains("all identical", output, StringComparison.Ordinal);
        Assert.Contains("shop.events", output, StringComparison.Ordinal);
        Assert.Contains("shop.customers_2", output, StringComparison.Ordinal);
    }
}
