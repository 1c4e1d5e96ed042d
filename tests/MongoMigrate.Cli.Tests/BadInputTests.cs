using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// The catalogue of bad input: each gets its exit code and ONE line that names the option or file and says what to
/// do (never "unexpected" and an exception's type), with --json one JSON object on stdout, and nothing written to the target.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private SandboxServer _source = null!;
    private SandboxServer _target = null!;
    private string _root = null!;

    /// <summary>What a case prepares before it runs.</summary>
    public enum Setup
    {
        None,
        FileInTheWay,
        ReadOnlyWorkDir,
        ReadOnlyState,
        FullDisk,
        DumpWithFolderForDataFile,
        DamagedGzipArchive,
        DamagedGzipDataFile,
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// why, arguments ({S} source, {T} target, {W} a fresh work folder, {F} a file, {D} the prepared dump or disk),
    /// setup, exit code, a fragment of the one line.
    /// </summary>
    public static TheoryData<string, string[], Setup, int, string> Cases => new()
    {
        { "a chunk larger than the disk budget", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--chunk-size", "1TB"], Setup.None, 2, "--chunk-size (1024GB)" },
        { "a connect timeout of 0", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--connect-timeout", "0"], Setup.None, 2, "--connect-timeout must be between 1 and 600 seconds, not 0" },
        { "a connect timeout of -1", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--connect-timeout=-1"], Setup.None, 2, "--connect-timeout must be between 1 and 600 seconds, not -1" },
        { "a dump's connect timeout of 0", ["dump", "--source", "{S}", "--out", "{W}", "--connect-timeout", "0"], Setup.None, 2, "--connect-timeout" },
        { "a restore's connect timeout of -1", ["restore", "--target", "{T}", "--dir", "{W}", "--connect-timeout=-1"], Setup.None, 2, "--connect-timeout" },
        { "a rename to a database with a slash", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "app.things", "--to", "a/b.things"], Setup.None, 2, "--to 'a/b.things' cannot name a target: the database name 'a/b' contains '/'" },
        { "a rename to a collection named $", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "app.things", "--to", "app.$"], Setup.None, 2, "contains '$'" },
        { "a rename to a database with a space", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "app.*", "--to", "my db.*"], Setup.None, 2, "contains a space" },
        { "a rename to a database name of 64 bytes", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "app.*", "--to", new string('d', 64) + ".*"], Setup.None, 2, "64 bytes long; MongoDB allows 63" },
        { "a rename into admin", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "app.*", "--to", "admin.*"], Setup.None, 2, "'admin' is a database of the server itself" },
        { "a rename to system collections", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "app.*", "--to", "app.system.*"], Setup.None, 2, "start with \"system.\"" },
        { "a rename too long only once filled in", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--from", "*.things", "--to", "*" + new string('y', 61) + ".things"], Setup.None, 1, "would write app.things to" },
        { "a restore renamed to a database with a slash", ["restore", "--target", "{T}", "--dir", "{W}", "--from", "app.*", "--to", "a/b.*"], Setup.None, 2, "--to 'a/b.*' cannot name a target" },
        { "a work folder that is a file", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{F}"], Setup.FileInTheWay, 2, "--work-dir '{F}' is a file, not a folder" },
        { "jobs of a work folder that is a file", ["jobs", "--work-dir", "{F}", "--json"], Setup.FileInTheWay, 2, "--work-dir '{F}' is a file, not a folder" },
        { "a work folder inside a file", ["restore", "--target", "{T}", "--dir", "{W}", "--work-dir", "{F}/work"], Setup.FileInTheWay, 2, "is a file. Give a folder" },
        { "a work folder that cannot be written", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{D}/work"], Setup.ReadOnlyWorkDir, 1, "--work-dir '{D}/work' cannot be created" },
        { "a read-only job state", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{D}", "--job-id", "j1", "--resume"], Setup.ReadOnlyState, 1, "The job state '{D}/j1/state.db' cannot be written" },
        { "a full disk before the start", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{D}/work"], Setup.FullDisk, 1, "The disk of --work-dir '{D}/work' is full" },
        { "a job id of ..", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--job-id", ".."], Setup.None, 2, "--job-id '..' is not a job id" },
        { "a job id of .", ["restore", "--target", "{T}", "--dir", "{W}", "--work-dir", "{W}", "--job-id", "."], Setup.None, 2, "--job-id '.' is not a job id" },
        { "--json and a usage error", ["migrate", "--source", "{S}", "--target", "{T}", "--work-dir", "{W}", "--job-id", "..", "--json"], Setup.None, 2, "--job-id" },
        { "--json and a source that cannot be reached", ["migrate", "--source", "mongodb://127.0.0.1:1/?directConnection=true", "--target", "{T}", "--work-dir", "{W}", "--connect-timeout", "1", "--json"], Setup.None, 1, "Cannot reach the source" },
        { "--json and an unknown option", ["migrate", "--bogus", "--json"], Setup.None, 2, "--bogus" },
        { "a folder named like a data file", ["restore", "--target", "{T}", "--dir", "{D}"], Setup.DumpWithFolderForDataFile, 1, "items.bson: is a folder" },
        { "a damaged gzip archive", ["restore", "--target", "{T}", "--archive", "{D}", "--work-dir", "{W}"], Setup.DamagedGzipArchive, 1, "not valid gzip at offset 2 of the compressed file" },
        { "a damaged gzip data file", ["restore", "--target", "{T}", "--dir", "{D}", "--work-dir", "{W}"], Setup.DamagedGzipDataFile, 1, "c.bson.gz: not valid gzip at offset 2 of the compressed file" },
    };

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: Ct);
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        _root = Directory.CreateTempSubdirectory("mm-bad-").FullName;
        using var client = new MongoClient(_source.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertManyAsync(Enumerable.Range(0, 100).Select(i => new BsonDocument { { "_id", i }, { "v", i } }), cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await ScratchDisk.UnmountAsync(Path.Combine(_root, "disk", "j1", "state.db"));
        await ScratchDisk.UnmountAsync(Path.Combine(_root, "disk"));
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_its_exit_code_and_one_line_that_names_what_to_fix(string why, string[] arguments, Setup setup, int expectedCode, string fragment)
    {
        var work = Path.Combine(_root, "work-" + Guid.NewGuid().ToString("N")[..8]);
        var file = Path.Combine(_root, "a-file");
        var disk = Path.Combine(_root, "disk");
        try
        {
            var prepared = await PrepareAsync(setup, file, disk);
            string Fill(string text) => text.Replace("{S}", _source.ConnectionString, StringComparison.Ordinal).Replace("{T}", _target.ConnectionString, StringComparison.Ordinal)
                .Replace("{W}", work, StringComparison.Ordinal).Replace("{F}", file, StringComparison.Ordinal).Replace("{D}", prepared, StringComparison.Ordinal);

            var (code, output, error) = await CliRunner.RunAsync([.. arguments.Select(Fill)]);

            var expected = Fill(fragment);
            Assert.True(code == expectedCode, $"{why}: exit {code}, expected {expectedCode}; stderr: {error} stdout: {output}");
            Assert.DoesNotContain("unexpected", error + output, StringComparison.OrdinalIgnoreCase);
            var errorLines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l != "Run 'mongomigrate --help' for usage.").ToList();
            if (errorLines.Count > 0)
            {
                var line = Assert.Single(errorLines);
                Assert.StartsWith("mongomigrate: ", line, StringComparison.Ordinal);
                Assert.True(line.Contains(expected, StringComparison.Ordinal), $"{why}: '{expected}' is not in: {line}");
            }
            else
            {
                // A namespace that failed inside a run that started: its line in the summary, and the exit code, say so.
                Assert.Contains(output.Split('\n'), l => l.Contains(expected, StringComparison.Ordinal));
            }

            if (arguments.Contains("--json"))
            {
                using var json = JsonDocument.Parse(output);
                Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
                Assert.Equal(expectedCode, json.RootElement.GetProperty("exitCode").GetInt32());
                Assert.Contains(expected, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
            }

            // Refused before the start: nothing reached the target (a namespace that fails in a started restore has its collection created).
            if (errorLines.Count > 0)
            {
                using var target = new MongoClient(_target.ConnectionString);
                var databases = await (await target.ListDatabaseNamesAsync(Ct)).ToListAsync(Ct);
                Assert.Empty(databases.Except(["admin", "config", "local"]));
            }

            Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(work)!, "state.db")), "nothing is written beside the work folder");
        }
        finally
        {
            await ScratchDisk.UnmountAsync(Path.Combine(disk, "j1", "state.db"));
            await ScratchDisk.UnmountAsync(disk);
            File.Delete(file);
        }
    }

    /// <summary>Prepares what a case needs; returns the path it stands for ({D}).</summary>
    private async Task<string> PrepareAsync(Setup setup, string file, string disk)
    {
        switch (setup)
        {
            case Setup.FileInTheWay:
                await File.WriteAllTextAsync(file, "not a folder", Ct);
                return file;
            case Setup.ReadOnlyWorkDir:
                await ScratchDisk.MountTmpfsAsync(disk, "4m", Ct);
                await ScratchDisk.MakeReadOnlyAsync(disk, bindFile: false, Ct);
                return disk;
            case Setup.ReadOnlyState:
                {
                    await ScratchDisk.MountTmpfsAsync(disk, "4m", Ct);
                    var state = Path.Combine(disk, "j1", "state.db");
                    Directory.CreateDirectory(Path.GetDirectoryName(state)!);
                    await using (await Engine.State.SqliteJobStateStore.OpenAsync(state, cancellationToken: Ct))
                    {
                    }

                    await ScratchDisk.MakeReadOnlyAsync(state, bindFile: true, Ct);
                    return disk;
                }

            case Setup.FullDisk:
                {
                    await ScratchDisk.MountTmpfsAsync(disk, "512k", Ct);
                    try
                    {
                        await File.WriteAllBytesAsync(Path.Combine(disk, "filler"), new byte[1024 * 1024], Ct);
                    }
                    catch (IOException)
                    {
                        // Full, as wanted.
                    }

                    return disk;
                }

            case Setup.DumpWithFolderForDataFile:
                {
                    var dump = Path.Combine(_root, "dump-folder");
                    Directory.CreateDirectory(Path.Combine(dump, "app", "items.bson"));
                    await File.WriteAllTextAsync(Path.Combine(dump, "app", "items.metadata.json"), "{\"indexes\":[]}", Ct);
                    return dump;
                }

            case Setup.DamagedGzipArchive:
                {
                    var path = Path.Combine(_root, "damaged.archive.gz");
                    var bytes = Gzip(await File.ReadAllBytesAsync(FixturePaths.Require("mongo-tools", "mongorestore", "testdata", "test.bar.archive"), Ct));
                    bytes[2] = 7;
                    await File.WriteAllBytesAsync(path, bytes, Ct);
                    return path;
                }

            case Setup.DamagedGzipDataFile:
                {
                    var dump = Path.Combine(_root, "dump-gzip");
                    Directory.CreateDirectory(Path.Combine(dump, "app"));
                    var bytes = Gzip(new BsonDocument("_id", 1).ToBson());
                    bytes[2] = 7;
                    await File.WriteAllBytesAsync(Path.Combine(dump, "app", "c.bson.gz"), bytes, Ct);
                    return dump;
                }

            default:
                return string.Empty;
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
