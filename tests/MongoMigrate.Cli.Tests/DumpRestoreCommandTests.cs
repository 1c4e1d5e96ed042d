using System.IO.Compression;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>`mongomigrate dump` and `restore` as scripts use them: exit codes, one-line errors, JSON summaries, stdin and stdout.</summary>
public sealed class DumpRestoreCommandTests() : CommandTestBase("mm-cli-dump-")
{

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        using var client = new MongoClient(Source.ConnectionString);
        var app = client.GetDatabase("app");
        await app.GetCollection<BsonDocument>("things").InsertManyAsync(Enumerable.Range(0, 500).Select(i => new BsonDocument { { "_id", i }, { "v", i } }), cancellationToken: cancellationToken);
        await app.GetCollection<BsonDocument>("things").Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{v: 1}", new CreateIndexOptions { Unique = true }), cancellationToken: cancellationToken);
        await app.GetCollection<BsonDocument>("other").InsertOneAsync(new BsonDocument("_id", "x"), cancellationToken: cancellationToken);
    }

    [Theory]
    [InlineData("--out", "dump", false)]
    [InlineData("--out", "dump", true)]
    [InlineData("--archive", "dump.archive", false)]
    [InlineData("--archive", "dump.archive.gz", true)]
    public async Task A_dump_restored_elsewhere_gives_the_same_collections_and_indexes(string option, string name, bool gzip)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Folder, name);
        string[] dumpArgs = ["dump", "--source", Source.ConnectionString, option, path, "-j", "2", "--json", .. gzip ? new[] { "--gzip" } : []];
        var (code, output, error) = await CliRunner.RunAsync(dumpArgs);
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
            Assert.Equal(501, json.RootElement.GetProperty("documents").GetInt64());
        }

        var input = option == "--out" ? "--dir" : "--archive";
        (code, output, error) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, input, path, "--work-dir", Path.Combine(Folder, "work"), "--json");

        Assert.True(code == 0, error + output);
        using var summary = JsonDocument.Parse(output);
        Assert.Equal("restore", summary.RootElement.GetProperty("operation").GetString());
        Assert.Equal(501, summary.RootElement.GetProperty("documents").GetInt64());
        using var client = new MongoClient(Target.ConnectionString);
        var things = client.GetDatabase("app").GetCollection<BsonDocument>("things");
        Assert.Equal(500, await things.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: ct));
        var indexes = await (await things.Indexes.ListAsync(ct)).ToListAsync(ct);
        Assert.Contains(indexes, i => i["name"] == "v_1" && i.GetValue("unique", false).ToBoolean());
    }

    [Fact]
    public async Task A_restore_piped_from_a_dump_of_its_own_target_is_refused_before_it_drops_what_is_being_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var client = new MongoClient(Source.ConnectionString))
        {
            // Big enough for the archive to be still in flight when the restore reads its prelude.
            await client.GetDatabase("victim").GetCollection<BsonDocument>("big").InsertManyAsync(
                Enumerable.Range(0, 20_000).Select(i => new BsonDocument { { "_id", i }, { "pad", new string('p', 200) } }), cancellationToken: ct);
        }

        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024));
        var dumpOut = pipe.Writer.AsStream();
        var restoreIn = pipe.Reader.AsStream();
        var dump = Task.Run(async () =>
        {
            try
            {
                return await CliRunner.RunWithStreamsAsync(null, dumpOut, "dump", "--source", $"mongodb://127.0.0.1:{Source.Port}/", "--include", "victim.*", "--archive", "-");
            }
            finally
            {
                await pipe.Writer.CompleteAsync();
            }
        }, ct);

        var target = $"mongodb://localhost:{Source.Port}/";
        var (code, output, error) = await CliRunner.RunWithStreamsAsync(restoreIn, null, "restore", "--target", target, "--archive", "-", "--drop", "--work-dir", Path.Combine(Folder, "work"));
        await pipe.Reader.CompleteAsync();
        await dump;

        Assert.True(code == 1, $"exit {code}: {output}{error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(target, line, StringComparison.Ordinal);
        Assert.Contains("victim.big", line, StringComparison.Ordinal);
        using var check = new MongoClient(Source.ConnectionString);
        Assert.Equal(20_000, await check.GetDatabase("victim").GetCollection<BsonDocument>("big").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: ct));
    }

    [Fact]
    public async Task A_rerun_with_the_good_archive_repairs_what_a_damaged_archive_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var source = new MongoClient(Source.ConnectionString))
        {
            await source.GetDatabase("victim").GetCollection<BsonDocument>("c").InsertManyAsync(
                Enumerable.Range(0, 2000).Select(i => new BsonDocument { { "_id", i }, { "name", $"customer {i:D5}" } }), cancellationToken: ct);
        }

        var good = Path.Combine(Folder, "good.archive");
        var (code, _, error) = await CliRunner.RunAsync("dump", "--source", Source.ConnectionString, "--include", "victim.*", "--archive", good);
        Assert.True(code == 0, error);
        var bytes = await File.ReadAllBytesAsync(good, ct);
        bytes[bytes.AsSpan().IndexOf("customer 00050"u8) + 9] = (byte)'X';
        var damaged = Path.Combine(Folder, "damaged.archive");
        await File.WriteAllBytesAsync(damaged, bytes, ct);
        var work = Path.Combine(Folder, "work");

        (code, var output, error) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, "--archive", damaged, "--work-dir", work);

        Assert.Equal(1, code);
        Assert.Contains("CRC mismatch", output, StringComparison.Ordinal);
        Assert.Contains("document(s) were written into victim.c from the damaged part", output, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was restored from the damaged part", output, StringComparison.Ordinal);

        (code, output, error) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, "--archive", good, "--work-dir", work);

        Assert.True(code == 0, error + output);
        Assert.Contains("1 replaced: they differed from the dump", output, StringComparison.Ordinal);
        using var sourceClient = new MongoClient(Source.ConnectionString);
        using var targetClient = new MongoClient(Target.ConnectionString);
        await TargetComparison.AssertEqualAsync(sourceClient, targetClient, "victim", "victim", ct);
    }

    [Fact]
    public async Task A_finished_dump_file_may_be_restored_with_drop_into_the_deployment_it_came_from()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Folder, "backup.archive");
        var (code, _, error) = await CliRunner.RunAsync("dump", "--source", Source.ConnectionString, "--include", "app.*", "--archive", path);
        Assert.True(code == 0, error);
        using var client = new MongoClient(Source.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, ct);

        // Rolling back to a backup: the dump is complete, nothing of it is being read any more.
        (code, var output, error) = await CliRunner.RunAsync("restore", "--target", $"mongodb://localhost:{Source.Port}/", "--archive", path, "--drop", "--work-dir", Path.Combine(Folder, "work"));

        Assert.True(code == 0, error + output);
        Assert.Equal(500, await client.GetDatabase("app").GetCollection<BsonDocument>("things").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: ct));
    }

    [Fact]
    public async Task An_archive_piped_from_dump_to_restore_through_stdout_and_stdin_restores_everything()
    {
        var ct = TestContext.Current.CancellationToken;
        using var pipe = new MemoryStream();
        var (code, output, error) = await CliRunner.RunWithStreamsAsync(null, pipe, "dump", "--source", Source.ConnectionString, "--archive", "-", "--gzip");
        Assert.True(code == 0, error);
        Assert.Equal(string.Empty, output);
        Assert.Contains("Dump ", error, StringComparison.Ordinal);
        Assert.Equal([0x1F, 0x8B], pipe.ToArray()[..2]);

        pipe.Position = 0;
        (code, output, error) = await CliRunner.RunWithStreamsAsync(pipe, null, "restore", "--target", Target.ConnectionString, "--archive", "--work-dir", Path.Combine(Folder, "work"), "--from", "app.*", "--to", "copy.*");

        Assert.True(code == 0, error + output);
        Assert.Contains("app.things -> copy.things", output, StringComparison.Ordinal);
        using var client = new MongoClient(Target.ConnectionString);
        Assert.Equal(500, await client.GetDatabase("copy").GetCollection<BsonDocument>("things").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: ct));
    }

    [Fact]
    public async Task A_broken_archive_fails_with_one_line_naming_the_file_and_offset()
    {
        var path = FixturePaths.Require("mongo-tools", "mongorestore", "testdata", "bad-format.archive");

        var (code, output, error) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, "--archive", path, "--work-dir", Path.Combine(Folder, "work"));

        Assert.Equal(1, code);
        Assert.DoesNotContain("completed", output, StringComparison.Ordinal);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mongomigrate: The dump cannot be read: " + path, line, StringComparison.Ordinal);
        Assert.Contains("offset", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"options\":", "{\"a\":", "}", ",\"indexes\":[]}")]
    [InlineData("{\"indexes\":", "[", "]", "}")]
    public async Task Metadata_nested_twenty_thousand_deep_fails_the_restore_with_one_line_not_a_crash(string start, string open, string close, string end)
    {
        // Its own process: a stack overflow, as this once was, ends the process with a 64,000-line trace.
        var ct = TestContext.Current.CancellationToken;
        var dump = Path.Combine(Folder, "deep");
        Directory.CreateDirectory(Path.Combine(dump, "db"));
        await File.WriteAllTextAsync(Path.Combine(dump, "db", "c.metadata.json"), start + string.Concat(Enumerable.Repeat(open, 20_000)) + "1" + string.Concat(Enumerable.Repeat(close, 20_000)) + end, ct);
        await using var restore = ChildProcess.Start(["restore", "--target", Target.ConnectionString, "--dir", dump, "--work-dir", Path.Combine(Folder, "work")]);

        var code = await restore.WaitForExitAsync(TimeSpan.FromMinutes(2), ct);

        Assert.Equal(1, code);
        var line = Assert.Single(restore.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mongomigrate: The dump cannot be read: " + Path.Combine(dump, "db", "c.metadata.json"), line, StringComparison.Ordinal);
        Assert.Contains("more than 256 levels deep", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_bson_file_fails_its_collection_and_the_summary_says_where()
    {
        var file = Path.Combine(Folder, "broken", "db", "c.bson");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Copy(FixturePaths.Require("mongo-tools", "bsondump", "testdata", "partial_file.bson"), file);

        var (code, output, _) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, "--dir", Path.Combine(Folder, "broken"), "--work-dir", Path.Combine(Folder, "work"));

        Assert.Equal(1, code);
        Assert.Contains($"failed: {file}: document at offset 164 declares 48 bytes but only 13 remain", output, StringComparison.Ordinal);
        Assert.Contains("1 namespace(s) failed", output.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dump_of_users_and_roles_restores_nothing_and_says_why()
    {
        var dump = FixturePaths.Require("mongo-tools", "mongorestore", "testdata", "usersdump");

        var (code, _, error) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, "--dir", dump, "--work-dir", Path.Combine(Folder, "work"));

        Assert.Equal(1, code);
        Assert.Contains("admin.system.roles, admin.system.users: users and roles are never restored", error, StringComparison.Ordinal);
        Assert.Contains("admin.system.version: the auth schema", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_text_summary_reports_what_was_left_out()
    {
        var dump = FixturePaths.Require("mongo-tools", "test", "qa-tests", "jstests", "restore", "testdata", "dump_with_oplog");

        var (code, output, error) = await CliRunner.RunAsync("restore", "--target", Target.ConnectionString, "--dir", dump, "--work-dir", Path.Combine(Folder, "work"), "--nsInclude", "test.*");

        Assert.True(code == 0, error);
        Assert.Contains("test.data", output, StringComparison.Ordinal);
        Assert.Contains("note: left out the legacy collection option flags", output, StringComparison.Ordinal);
        Assert.Contains("oplog.bson (525 bytes) was not replayed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_dump_never_leaves_a_gzip_archive_that_looks_complete()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Folder, "a.archive.gz");
        var (code, _, error) = await CliRunner.RunAsync("dump", "--source", Source.ConnectionString, "--archive", path, "--gzip");
        Assert.True(code == 0, error);

        // A complete one is one gzip stream that any gzip reader opens to the end.
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await gzip.CopyToAsync(Stream.Null, ct);
        Assert.Empty(Directory.EnumerateFiles(Folder, ".*partial*"));
    }

    [Theory]
    [InlineData("dump with both outputs", "dump --source mongodb://a --out x --archive y", "--out DIR or --archive FILE")]
    [InlineData("dump with no output", "dump --source mongodb://a", "--out DIR or --archive FILE")]
    [InlineData("dump with zero readers", "dump --source mongodb://a --out x -j 0", "-j must be between 1 and 256")]
    [InlineData("dump with a rename", "dump --source mongodb://a --out x --from a.* --to b.*", "Unrecognized")]
    [InlineData("restore with both inputs", "restore --target mongodb://a --dir x --archive y", "--dir DIR or --archive FILE")]
    [InlineData("restore with unpaired renames", "restore --target mongodb://a --dir x --from a.*", "--from")]
    [InlineData("restore resumed without a job id", "restore --target mongodb://a --dir x --resume", "--resume needs --job-id")]
    [InlineData("restore with zero insertion workers", "restore --target mongodb://a --dir x --insertion-workers 0", "--insertion-workers")]
    public async Task Bad_command_lines_are_usage_errors_with_one_line(string why, string commandLine, string mentions)
    {
        var (code, _, error) = await CliRunner.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(code == 2, $"{why}: exit {code}, {error}");
        Assert.Contains(mentions, error, StringComparison.Ordinal);
    }
}
