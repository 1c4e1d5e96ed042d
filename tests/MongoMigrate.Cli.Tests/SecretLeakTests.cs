using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// A URI with a known password goes into every option and argument position of every command (and a mistyped option),
/// in every form a user may type it: then stdout, stderr, the log files, the job state (state.db's bytes), the dumps and
/// `jobs` (text and --json) must not hold the password, or any part of it.
/// </summary>
public sealed class SecretLeakTests() : CommandTestBase("mm-secrets-")
{
    // Every password starts with the marker, so that a password cut in two still shows.
    private const string Marker = "Pa55";

    private string _dump = null!;
    private int _runs;

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        using var client = new MongoClient(Source.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "_id", i }, { "v", i } }), cancellationToken: cancellationToken);
        _dump = Path.Combine(Folder, "dump");
        var (code, _, error) = await CliRunner.RunAsync("dump", "--source", Source.ConnectionString, "--out", _dump);
        Assert.True(code == 0, error);
    }

    [Fact]
    public async Task No_password_reaches_any_output_log_state_or_dump_whatever_position_it_is_given_in()
    {
        var port = Source.Address.Split(':')[^1];
        string[] uris =
        [
            $"mongodb://al ice:{Marker} w0rd1@127.0.0.1:{port}/?directConnection=true",
            $"mongodb://alice:{Marker}w0rd2@127.0.0.1:{port}/?directConnection=true",
            $"mongodbx://alice:{Marker}w0rd3@127.0.0.1:{port}",
            $"alice:{Marker}w0rd4@127.0.0.1:{port}",
        ];
        var leaks = new List<string>();
        using var environment = new CliEnvironment(TextWriter.Null, TextWriter.Null, TimeProvider.System, interactive: false);
        foreach (var command in CliApplication.CreateRoot(environment).Subcommands.Where(c => c.Name != "sandbox"))
        {
            foreach (var option in command.Options.Where(o => o.Name is not ("--help" or "-h" or "-?" or "/?" or "--version")))
            {
                // The URI's own options get every form; the others the two that differ most.
                var forms = option.Name is "--source" or "--target" ? uris : [uris[0], uris[2]];
                foreach (var uri in forms)
                {
                    await RunAndGrepAsync(WithOption(command.Name, option.Name, uri), leaks);
                }
            }

            foreach (var uri in uris)
            {
                await RunAndGrepAsync([command.Name, uri, .. BaseArguments(command.Name)], leaks);
                await RunAndGrepAsync([command.Name, "--sourec", uri, .. BaseArguments(command.Name)], leaks);
                await RunAndGrepAsync([command.Name, .. BaseArguments(command.Name), "--targte=" + uri], leaks);
            }
        }

        // A job stored with such a source, as a run that got past the connection stores it, listed as text and JSON.
        var seeded = Path.Combine(Folder, "seeded");
        await SeedJobAsync(seeded, uris[0], uris[1]);
        await RunAndGrepAsync(["jobs", "--work-dir", seeded], leaks);
        await RunAndGrepAsync(["jobs", "--work-dir", seeded, "--json"], leaks);

        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            if (Holds(bytes, Encoding.UTF8.GetBytes(Marker)) || Holds(bytes, Encoding.Unicode.GetBytes(Marker)))
            {
                leaks.Add($"file {file}");
            }
        }

        Assert.True(_runs > 150, $"only {_runs} runs");
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks.Take(20)));
    }

    private async Task RunAndGrepAsync(string[] arguments, List<string> leaks)
    {
        _runs++;
        var (code, output, error) = await CliRunner.RunAsync(arguments);
        foreach (var (channel, text) in new[] { ("stdout", output), ("stderr", error) })
        {
            if (text.Contains(Marker, StringComparison.Ordinal) || text.Contains("w0rd", StringComparison.Ordinal))
            {
                var line = text.Split('\n').First(l => l.Contains(Marker, StringComparison.Ordinal) || l.Contains("w0rd", StringComparison.Ordinal));
                leaks.Add($"{channel} of '{string.Join(' ', arguments)}' (exit {code}): {line}");
            }
        }
    }

    /// <summary>A command line that works (or fails only for the URI), with <paramref name="option"/> set to <paramref name="value"/>.</summary>
    private string[] WithOption(string command, string option, string value)
    {
        var arguments = BaseArguments(command).ToList();
        var at = arguments.IndexOf(option);
        if (at >= 0 && at + 1 < arguments.Count && !arguments[at + 1].StartsWith('-'))
        {
            arguments[at + 1] = value;
        }
        else if (at >= 0)
        {
            // A flag: the URI follows it, where a value would be.
            arguments.Insert(at + 1, value);
        }
        else
        {
            arguments.Add(option);
            arguments.Add(value);
        }

        return [command, .. arguments];
    }

    private string[] BaseArguments(string command)
    {
        var work = Path.Combine(Folder, "work", _runs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return command switch
        {
            "migrate" => ["--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", work, "--include", "app.things", "--drop-target", "--connect-timeout", "2", "--verbose"],
            "dump" => ["--source", Source.ConnectionString, "--out", Path.Combine(work, "out"), "--work-dir", work, "--connect-timeout", "2", "--verbose"],
            "restore" => ["--target", Target.ConnectionString, "--dir", _dump, "--work-dir", work, "--drop", "--connect-timeout", "2", "--verbose"],
            "jobs" => ["--work-dir", Path.Combine(Folder, "work")],
            "demo" => ["--docs", "20", "--collections", "1", "--work-dir", work, "--verbose"],
            _ => [],
        };
    }

    private static async Task SeedJobAsync(string workDirectory, string source, string target)
    {
        var state = Path.Combine(workDirectory, "job-seeded", "state.db");
        Directory.CreateDirectory(Path.GetDirectoryName(state)!);
        await using var store = await SqliteJobStateStore.OpenAsync(state, cancellationToken: Ct);
        var definition = new JobDefinition
        {
            Source = MongoEndpoint.Parse("source", source).Display,
            Target = MongoEndpoint.Parse("target", target).Display,
            Selection = string.Empty,
            Include = [],
            Exclude = [],
            Renames = [],
            Method = "dump-restore",
        };
        var now = DateTimeOffset.UnixEpoch;
        await store.CreateJobAsync(new JobRecord { JobId = "job-seeded", DefinitionJson = definition.ToJson(), Status = JobStatus.Failed, CreatedAt = now, UpdatedAt = now }, [], Ct);
    }

    private static bool Holds(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
