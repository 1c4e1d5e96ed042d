using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Cli.Tests;

public sealed class VerifyCommandTests() : CommandTestBase("mm-cli-verify-")
{

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var documents = Enumerable.Range(0, 300).Select(i => new BsonDocument { { "_id", i }, { "v", i } }).ToList();
        foreach (var server in new[] { Source, Target })
        {
            using var client = new MongoClient(server.ConnectionString);
            await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertManyAsync(documents.Select(d => d.DeepClone().AsBsonDocument), cancellationToken: cancellationToken);
        }
    }

    [Fact]
    public async Task Equal_deployments_exit_zero_and_say_what_was_compared()
    {
        var (code, output, error) = await CliRunner.RunAsync("verify", "--source", Source.ConnectionString, "--target", Target.ConnectionString);

        Assert.True(code == 0, error + output);
        Assert.Contains("app.things", output, StringComparison.Ordinal);
        Assert.Contains("The target equals the source: 1 collection(s), 300 document(s) compared byte for byte, every document", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_difference_exits_one_with_the_document_named_and_a_report_in_both_forms()
    {
        using (var client = new MongoClient(Target.ConnectionString))
        {
            await client.GetDatabase("app").GetCollection<BsonDocument>("things").UpdateOneAsync(new BsonDocument("_id", 5), new BsonDocument("$set", new BsonDocument("v", -1)), cancellationToken: Ct);
        }

        var report = Path.Combine(Folder, "report.json");
        var (code, output, _) = await CliRunner.RunAsync("verify", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--report", report);

        Assert.Equal(1, code);
        Assert.Contains("different bytes: _id 5, first at v", output, StringComparison.Ordinal);
        Assert.Contains("The target differs from the source in 1 of 1 collection(s)", output, StringComparison.Ordinal);
        Assert.True(File.Exists(report));
        Assert.Contains("DIFFERENCES FOUND", await File.ReadAllTextAsync(Path.Combine(Folder, "report.md"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_prints_the_report_alone()
    {
        var (code, output, error) = await CliRunner.RunAsync("verify", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--json", "--work-dir", Folder, "--job-id", "j");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("equal").GetBoolean());
        Assert.Equal("j", json.RootElement.GetProperty("jobId").GetString());
        Assert.Equal(300, json.RootElement.GetProperty("namespaces")[0].GetProperty("identical").GetInt64());
    }

    [Theory]
    [InlineData("--sample", "0", "--sample must be a fraction above 0")]
    [InlineData("--workers", "0", "--workers must be between 1 and 256")]
    [InlineData("--resume", null, "--resume needs --work-dir and --job-id")]
    public async Task Bad_options_are_usage_errors_naming_the_option(string option, string? value, string fragment)
    {
        string[] args = ["verify", "--source", Source.ConnectionString, "--target", Target.ConnectionString, option];
        var (code, _, error) = await CliRunner.RunAsync(value is null ? args : [.. args, value]);

        Assert.Equal(2, code);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }
}
