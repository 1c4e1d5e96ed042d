namespace MongoMigrate.Cli.Tests;

/// <summary>The cluster's commands refuse a bad cluster string with one line that never shows its password.</summary>
public sealed class ClusterCommandTests
{
    private const string Password = "cluster-pass-8271";

    [Theory]
    [InlineData("jobs")]
    [InlineData("worker")]
    public async Task An_unreachable_cluster_is_one_line_without_the_password(string command)
    {
        var work = Directory.CreateTempSubdirectory("mm-cluster-cli-").FullName;
        try
        {
            var (code, output, error) = await CliRunner.RunAsync(command, "--cluster", $"Host=127.0.0.1;Port=1;Username=mm;Password={Password};Database=mm;Timeout=2", "--work-dir", work);

            Assert.Equal(1, code);
            Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("Cannot use the cluster database (Host=127.0.0.1;Port=1;Username=mm;Database=mm", error, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, string.Concat(Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories).Select(File.ReadAllText)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_cluster_string_that_is_not_one_is_a_usage_line()
    {
        var (code, _, error) = await CliRunner.RunAsync("jobs", "--cluster", "mongodb://mm:" + Password + "@db/mm");

        Assert.Equal(1, code);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
        Assert.Contains("--cluster", error, StringComparison.Ordinal);
    }
}
