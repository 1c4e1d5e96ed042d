using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Cli.Tests;

public sealed class MigrateCommandTests() : CommandTestBase("mm-cli-")
{

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        using var client = new MongoClient(Source.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertManyAsync(Enumerable.Range(0, 500).Select(i => new BsonDocument { { "_id", i }, { "v", i } }), cancellationToken: cancellationToken);
        await client.GetDatabase("app").GetCollection<BsonDocument>("other").InsertOneAsync(new BsonDocument("_id", "x"), cancellationToken: cancellationToken);
    }

    [Fact]
    public async Task Json_prints_one_summary_object_and_exit_code_zero()
    {
        var (code, output, error) = await CliRunner.RunAsync("migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--include", "app.things", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(500, json.RootElement.GetProperty("documents").GetInt64());
        Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
        var collection = Assert.Single(json.RootElement.GetProperty("collections").EnumerateArray());
        Assert.Equal("app.things", collection.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("--verify", "none", true)]
    [InlineData("--no-verify", null, true)]
    [InlineData("--verify", "full", false)]
    public async Task Verify_none_and_no_verify_skip_the_proof_and_full_keeps_it(string option, string? value, bool skipped)
    {
        string[] args = ["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--include", "app.things", "--json", option];
        var (code, output, error) = await CliRunner.RunAsync(value is null ? args : [.. args, value]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(!skipped, json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(skipped ? "none" : "full", json.RootElement.GetProperty("verification").GetString());
    }

    [Theory]
    [InlineData("full", "--no-verify", null, "contradict each other")]
    [InlineData("sample", "--no-verify", null, "contradict each other")]
    [InlineData("none", "--sample", "0.5", "contradict each other")]
    [InlineData("full", "--sample", "0.5", "give one of them")]
    [InlineData("sample", "--sample", "1.5", "--sample must be a fraction")]
    [InlineData("partial", null, null, "partial")]
    public async Task A_verify_mode_migrate_does_not_offer_is_a_usage_error(string mode, string? extra, string? value, string fragment)
    {
        string[] args = ["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--verify", mode];
        var (code, _, error) = await CliRunner.RunAsync([.. args, .. new[] { extra, value }.OfType<string>()]);

        Assert.Equal(2, code);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_sample_compares_a_share_of_the_chunks_and_says_it_is_not_a_proof()
    {
        using (var client = new MongoClient(Source.ConnectionString))
        {
            var padding = new string('x', 1000);
            await client.GetDatabase("big").GetCollection<BsonDocument>("items").InsertManyAsync(
                Enumerable.Range(0, 4000).Select(i => new BsonDocument { { "_id", i }, { "pad", padding } }),
                cancellationToken: Ct);
        }

        string[] args = ["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--include", "big.items", "--chunk-size", "1MB", "--verify", "sample"];
        var (code, output, error) = await CliRunner.RunAsync([.. args, "--json"]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal("sample", json.RootElement.GetProperty("verification").GetString());
        var collection = Assert.Single(json.RootElement.GetProperty("collections").EnumerateArray());
        var chunks = collection.GetProperty("chunks").GetInt32();
        var verification = collection.GetProperty("verification");
        Assert.True(chunks >= 3, $"{chunks} chunks");
        Assert.True(verification.GetProperty("sample").GetBoolean());
        Assert.Equal((int)Math.Ceiling(chunks * 0.1), verification.GetProperty("chunksCompared").GetInt32());
        Assert.True(verification.GetProperty("equal").GetBoolean());
        Assert.InRange(verification.GetProperty("identical").GetInt64(), 1, 3999);

        var (textCode, text, textError) = await CliRunner.RunAsync([.. args, "--drop-target", "--sample", "0.5"]);

        Assert.True(textCode == 0, textError);
        Assert.Contains($"Verified a sample only (--sample 0.5): {(int)Math.Ceiling(chunks * 0.5)} of {chunks} chunks compared", text, StringComparison.Ordinal);
        Assert.Contains($"(sample: {(int)Math.Ceiling(chunks * 0.5)} of {chunks} chunks)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sampled_job_resumed_without_verify_options_verifies_its_sample_again_and_says_its_share()
    {
        using (var client = new MongoClient(Source.ConnectionString))
        {
            var padding = new string('x', 1000);
            await client.GetDatabase("big").GetCollection<BsonDocument>("items").InsertManyAsync(
                Enumerable.Range(0, 4000).Select(i => new BsonDocument { { "_id", i }, { "pad", padding } }),
                cancellationToken: Ct);
        }

        string[] args = ["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--include", "big.items", "--chunk-size", "1MB", "--job-id", "sampled", "--json"];
        var (code, _, error) = await CliRunner.RunAsync([.. args, "--sample", "0.5"]);
        Assert.True(code == 0, error);

        var (resumedCode, output, resumedError) = await CliRunner.RunAsync([.. args, "--resume"]);

        Assert.True(resumedCode == 0, resumedError);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("verifiedAgain").GetBoolean());
        Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal("sample", json.RootElement.GetProperty("verification").GetString());
        Assert.Equal(0.5, json.RootElement.GetProperty("sampleFraction").GetDouble());
        var collection = Assert.Single(json.RootElement.GetProperty("collections").EnumerateArray());
        var chunks = collection.GetProperty("chunks").GetInt32();
        Assert.True(chunks >= 3, $"{chunks} chunks");
        Assert.Equal((int)Math.Ceiling(chunks * 0.5), collection.GetProperty("verification").GetProperty("chunksCompared").GetInt32());

        var (fullCode, full, fullError) = await CliRunner.RunAsync([.. args[..^1], "--resume", "--verify", "full"]);

        Assert.True(fullCode == 0, fullError);
        Assert.DoesNotContain("(sample:", full, StringComparison.Ordinal);
        Assert.DoesNotContain("Verified a sample", full, StringComparison.Ordinal);
        Assert.Contains("verified: 4,000 identical", full, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rename_writes_to_the_new_namespace()
    {
        var (code, _, error) = await CliRunner.RunAsync("migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--from", "app.*", "--to", "copy.*", "--json");

        Assert.True(code == 0, error);
        using var client = new MongoClient(Target.ConnectionString);
        Assert.Equal(500, await client.GetDatabase("copy").GetCollection<BsonDocument>("things").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        Assert.Equal(1, await client.GetDatabase("copy").GetCollection<BsonDocument>("other").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_non_empty_target_is_refused_with_one_line_naming_it()
    {
        using (var client = new MongoClient(Target.ConnectionString))
        {
            await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertOneAsync(new BsonDocument("_id", -1), cancellationToken: Ct);
        }

        var (code, _, error) = await CliRunner.RunAsync("migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder);

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("app.things", line, StringComparison.Ordinal);
        Assert.Contains("--drop-target", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "localhost", "")]
    [InlineData("localhost", "127.0.0.1", "?directConnection=true")]
    public async Task Source_and_target_that_reach_one_server_are_refused_before_anything_is_dropped(string sourceHost, string targetHost, string targetOptions)
    {
        var source = $"mongodb://{sourceHost}:{Source.Port}/";
        var target = $"mongodb://{targetHost}:{Source.Port}/{targetOptions}";

        var (code, output, error) = await CliRunner.RunAsync("migrate", "--source", source, "--target", target, "--work-dir", Folder, "--include", "app.*", "--drop-target", "--json");

        Assert.True(code == 1, $"exit {code}: {output}{error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(source, line, StringComparison.Ordinal);
        Assert.Contains(target, line, StringComparison.Ordinal);
        Assert.Contains("one deployment", line, StringComparison.Ordinal);
        Assert.Contains("--from/--to", line, StringComparison.Ordinal);
        using var client = new MongoClient(Source.ConnectionString);
        Assert.Equal(500, await client.GetDatabase("app").GetCollection<BsonDocument>("things").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        Assert.Equal(1, await client.GetDatabase("app").GetCollection<BsonDocument>("other").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_rename_inside_one_deployment_copies_when_it_writes_no_namespace_it_reads()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "migrate", "--source", $"mongodb://127.0.0.1:{Source.Port}/", "--target", $"mongodb://localhost:{Source.Port}/", "--work-dir", Folder,
            "--include", "app.*", "--from", "app.*", "--to", "renamed.*", "--drop-target", "--json");

        Assert.True(code == 0, error + output);
        using var client = new MongoClient(Source.ConnectionString);
        Assert.Equal(500, await client.GetDatabase("app").GetCollection<BsonDocument>("things").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        Assert.Equal(500, await client.GetDatabase("renamed").GetCollection<BsonDocument>("things").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_rename_inside_one_deployment_onto_a_namespace_it_reads_is_refused()
    {
        // app.other is read (and copied to app.other2) while app.things would be written into it.
        var (code, _, error) = await CliRunner.RunAsync(
            "migrate", "--source", Source.ConnectionString, "--target", $"mongodb://localhost:{Source.Port}/", "--work-dir", Folder,
            "--include", "app.*", "--from", "app.things", "--to", "app.other", "--from", "app.other", "--to", "app.other2", "--drop-target");

        Assert.Equal(1, code);
        Assert.Contains("dropping and rewriting app.other ", error, StringComparison.Ordinal);
        using var client = new MongoClient(Source.ConnectionString);
        Assert.Equal(1, await client.GetDatabase("app").GetCollection<BsonDocument>("other").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_completed_job_resumed_after_its_target_was_emptied_says_so_instead_of_repeating_its_old_proof()
    {
        string[] args = ["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--include", "app.things", "--job-id", "done"];
        var (code, output, error) = await CliRunner.RunAsync(args);
        Assert.True(code == 0, error + output);
        Assert.Contains("verified: 500 identical", output, StringComparison.Ordinal);
        using var client = new MongoClient(Target.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Ct);

        (code, output, error) = await CliRunner.RunAsync([.. args, "--resume"]);

        Assert.Equal(1, code);
        Assert.DoesNotContain("verified: 500 identical", output, StringComparison.Ordinal);
        Assert.Contains("It had completed on ", output, StringComparison.Ordinal);
        Assert.Contains("NOT equal: 500 missing", output, StringComparison.Ordinal);

        // Asked again, the resume copies the chunks back.
        (code, output, error) = await CliRunner.RunAsync([.. args, "--resume"]);
        Assert.True(code == 0, error + output);
        Assert.Contains("verified: 500 identical", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_selection_is_an_error_that_says_so()
    {
        var (code, _, error) = await CliRunner.RunAsync("migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--include", "nothing.here");

        Assert.Equal(1, code);
        Assert.Contains("matches no collection", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_source_is_named_within_the_connect_timeout()
    {
        var (code, _, error) = await CliRunner.RunAsync("migrate", "--source", "mongodb://127.0.0.1:1/?directConnection=true", "--target", Target.ConnectionString, "--work-dir", Folder, "--connect-timeout", "2");

        Assert.Equal(1, code);
        Assert.StartsWith("mongomigrate: Cannot reach the source", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_source_that_accepts_connections_but_never_answers_is_said_to_be_waited_for_while_connecting()
    {
        // A server that takes the TCP connection and then says nothing: the worst case for a user watching the output.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.Socket>();
        var accepting = Task.Run(
            async () =>
            {
                while (true)
                {
                    held.Add(await silent.AcceptSocketAsync(Ct));
                }
            },
            Ct);
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;

        // Lines come every 5 s and the note after 10 s without progress: the line at 15 s carries it, whatever the load.
        var (code, output, error) = await CliRunner.RunAsync("migrate", "--source", $"mongodb://127.0.0.1:{port}/?directConnection=true", "--target", Target.ConnectionString, "--work-dir", Folder, "--connect-timeout", "17");

        silent.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
        held.ForEach(socket => socket.Dispose());
        Assert.Equal(1, code);
        Assert.StartsWith("mongomigrate: Cannot reach the source", error, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Contains("] connecting ", line, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("| waiting for the source and target since ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_authentication_says_which_side_and_never_shows_the_password()
    {
        var uri = $"mongodb://admin:s3cretPassw0rd@{Target.Address}/?directConnection=true";
        var (code, output, error) = await CliRunner.RunAsync("migrate", "--source", Source.ConnectionString, "--target", uri, "--work-dir", Folder, "--connect-timeout", "5");

        Assert.Equal(1, code);
        Assert.Contains("target", error, StringComparison.Ordinal);
        Assert.Contains("credentials", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretPassw0rd", error + output, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("s3cretPassw0rd", await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("a malformed URI", "migrate --source notauri --target mongodb://x", 1, "not valid")]
    [InlineData("an unknown option", "migrate --bogus", 2, "Unrecognized")]
    [InlineData("unpaired renames", "migrate --source mongodb://a --target mongodb://b --from a.* ", 2, "--from")]
    [InlineData("a bad size", "migrate --source mongodb://a --target mongodb://b --chunk-size lots", 2, "not a size")]
    [InlineData("a bad method", "migrate --method teleport", 2, "teleport")]
    [InlineData("zero workers", "migrate --source mongodb://a --target mongodb://b --dump-workers 0", 2, "--dump-workers")]
    [InlineData("resume without a job id", "migrate --source mongodb://a --target mongodb://b --resume", 2, "--job-id")]
    [InlineData("a bad stuck-worker timeout", "migrate --source mongodb://a --target mongodb://b --stuck-after soon", 2, "--stuck-after")]
    public async Task Bad_command_lines_fail_with_the_contracts_exit_code_and_one_line(string why, string commandLine, int expectedCode, string mentions)
    {
        var (code, _, error) = await CliRunner.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(code == expectedCode, $"{why}: exit {code}, {error}");
        Assert.Contains(mentions, error, StringComparison.Ordinal);
    }
}
