using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Cli.Tests;

public sealed class JobsCommandTests() : CommandTestBase("mm-jobs-")
{

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        using var client = new MongoClient(Source.ConnectionString);
        await client.GetDatabase("app").GetCollection<BsonDocument>("things").InsertManyAsync(Enumerable.Range(0, 500).Select(i => new BsonDocument { { "_id", i }, { "v", i } }), cancellationToken: cancellationToken);
    }

    [Fact]
    public async Task A_work_folder_without_jobs_says_so()
    {
        var (code, output, _) = await CliRunner.RunAsync("jobs", "--work-dir", Path.Combine(Folder, "none"));

        Assert.Equal(0, code);
        Assert.StartsWith("No jobs in", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_job_is_listed_with_what_failed_and_the_command_that_retries_it_and_that_command_finishes_it()
    {
        // The target refuses every insert (13: Unauthorized), a permanent error.
        Target.Faults.Add(new FailPoint { Commands = ["insert"], ErrorCode = 13, Times = null });
        var (failedCode, failedOutput, _) = await CliRunner.RunAsync(Migrate("job-f"));
        Target.Faults.Clear();
        Assert.Equal(1, failedCode);
        Assert.Contains("--resume --job-id job-f", failedOutput, StringComparison.Ordinal);

        var (code, text, _) = await CliRunner.RunAsync("jobs", "--work-dir", Folder);

        Assert.Equal(0, code);
        Assert.Contains("job-f  FAILED  dump-restore", text, StringComparison.Ordinal);
        Assert.Contains("collections 0 of 1 completed; chunks 0 of 1 restored, 1 failed; documents 0 of about 500", text, StringComparison.Ordinal);
        Assert.Contains("failed: app.things: 1 of 1 chunk(s) failed", text, StringComparison.Ordinal);
        Assert.Contains("after 1 attempt(s): Command insert failed: Failing command via 'failCommand' failpoint. (Unauthorized, code 13)", text, StringComparison.Ordinal);
        var retry = text.Split('\n').Single(l => l.Contains("retry the failed work: ", StringComparison.Ordinal));
        Assert.Contains($"mongomigrate migrate --resume --job-id job-f --work-dir '{Folder}' --source '{Source.ConnectionString}' --target '{Target.ConnectionString}'", retry, StringComparison.Ordinal);

        var (jsonCode, json, _) = await CliRunner.RunAsync("jobs", "--work-dir", Folder, "--json");
        Assert.Equal(0, jsonCode);
        using (var listing = JsonDocument.Parse(json))
        {
            var job = Assert.Single(listing.RootElement.GetProperty("jobs").EnumerateArray());
            Assert.Equal("failed", job.GetProperty("state").GetString());
            Assert.Equal(1, job.GetProperty("chunksFailed").GetInt32());
            Assert.Equal("ChunkFailed", job.GetProperty("recentFailures")[1].GetProperty("kind").GetString());
        }

        // The printed command, as given (its quotes are for a shell), with --json to read the outcome.
        var (resumedCode, resumed, resumedError) = await CliRunner.RunAsync([.. Words(retry[(retry.IndexOf("mongomigrate ", StringComparison.Ordinal) + "mongomigrate ".Length)..]), "--json"]);
        Assert.True(resumedCode == 0, resumedError);
        using var summary = JsonDocument.Parse(resumed);
        Assert.True(summary.RootElement.GetProperty("resumed").GetBoolean());
        Assert.Equal(500, summary.RootElement.GetProperty("documentsThisRun").GetInt64());
        var (_, after, _) = await CliRunner.RunAsync("jobs", "--work-dir", Folder);
        Assert.Contains("job-f  COMPLETED", after, StringComparison.Ordinal);
        Assert.DoesNotContain("--resume", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resumed_job_comes_back_with_its_worker_counts_and_says_so()
    {
        var (first, _, error) = await CliRunner.RunAsync([.. Migrate("job-w"), "--dump-workers", "6", "--restore-workers", "5"]);
        Assert.True(first == 0, error);

        var (code, output, _) = await CliRunner.RunAsync(
            "migrate", "--resume", "--job-id", "job-w", "--work-dir", Folder, "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--restore-workers", "2");

        Assert.Equal(0, code);
        Assert.Contains("Job job-w: resuming with 6 dump and 2 restore workers (dump-restore).", output, StringComparison.Ordinal);
        Assert.Contains("completed in", output, StringComparison.Ordinal);
        Assert.Contains("(resumed)", output, StringComparison.Ordinal);
        var (_, jobs, _) = await CliRunner.RunAsync("jobs", "--work-dir", Folder);
        Assert.Contains("workers: 6 dump, 2 restore, 2 insertion", jobs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_the_state_nor_the_log_nor_the_output_holds_a_secret_given_in_a_URI()
    {
        const string secret = "s3cretKeyPassw0rd";
        var source = $"{Source.ConnectionString}&tlsCertificateKeyFilePassword={secret}";

        var (code, output, error) = await CliRunner.RunAsync("migrate", "--source", source, "--target", Target.ConnectionString, "--work-dir", Folder, "--job-id", "job-s", "--json", "--verbose");
        var (_, jobs, _) = await CliRunner.RunAsync("jobs", "--work-dir", Folder, "--json");

        Assert.True(code == 0, error);
        Assert.DoesNotContain(secret, output + error + jobs, StringComparison.Ordinal);
        Assert.Contains("tlsCertificateKeyFilePassword=****", jobs, StringComparison.Ordinal);
        var files = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("state.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("mongomigrate.log", StringComparison.Ordinal));
        foreach (var file in files)
        {
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
        }
    }

    private string[] Migrate(string jobId) =>
        ["migrate", "--source", Source.ConnectionString, "--target", Target.ConnectionString, "--work-dir", Folder, "--job-id", jobId];

    /// <summary>Splits a printed command line as a shell would, for its simple single quotes.</summary>
    private static string[] Words(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in command.Trim())
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
