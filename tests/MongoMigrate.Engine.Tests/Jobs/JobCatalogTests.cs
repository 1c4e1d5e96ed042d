using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Jobs;

/// <summary>`mongomigrate jobs` reads every job folder of a work folder: its state file, its lock, what to run next.</summary>
public sealed class JobCatalogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly string _work = Directory.CreateTempSubdirectory("mm-catalog-").FullName;
    private readonly FakeTimeProvider _time = new(Start);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_work_folder_that_does_not_exist_has_no_jobs()
    {
        Assert.Empty(await JobCatalog.ListAsync(Path.Combine(_work, "nowhere"), _time, Ct));
    }

    [Fact]
    public async Task Jobs_are_listed_oldest_first_and_folders_without_a_state_file_are_not_jobs()
    {
        await CreateAsync("zeta", JobStatus.Completed, Start);
        await CreateAsync("alpha", JobStatus.Completed, Start.AddMinutes(5));
        Directory.CreateDirectory(Path.Combine(_work, "just-a-folder"));

        var jobs = await JobCatalog.ListAsync(_work, _time, Ct);

        Assert.Equal(["zeta", "alpha"], jobs.Select(j => j.JobId));
        Assert.All(jobs, j => Assert.Equal(JobFolder.Of(_work, j.JobId), j.Directory));
    }

    [Fact]
    public async Task A_job_left_running_by_a_process_that_is_gone_is_interrupted_and_says_how_to_resume()
    {
        await CreateAsync("left", JobStatus.Running, Start);

        var job = Assert.Single(await JobCatalog.ListAsync(_work, _time, Ct));

        Assert.Equal("interrupted", job.State);
        Assert.False(job.IsRunning);
        Assert.Equal($"mongomigrate migrate --resume --job-id left --work-dir '{_work}' --source 'mongodb://source:27017' --target 'mongodb://target:27017'", job.ResumeCommand);
        var collection = Assert.Single(job.Collections);
        Assert.Equal(("users.customers", "users.customers", CollectionStatus.Pending), (collection.Source, collection.Target, collection.Status));
    }

    [Fact]
    public async Task A_completed_job_has_nothing_to_resume()
    {
        await CreateAsync("done", JobStatus.Completed, Start);

        var job = Assert.Single(await JobCatalog.ListAsync(_work, _time, Ct));

        Assert.Equal("completed", job.State);
        Assert.Null(job.ResumeCommand);
    }

    [Fact]
    public async Task A_job_whose_lock_is_held_is_running_and_names_its_process()
    {
        await CreateAsync("busy", JobStatus.Running, Start);
        using var held = JobLock.Acquire(JobFolder.Of(_work, "busy"), "busy", _time);

        var job = Assert.Single(await JobCatalog.ListAsync(_work, _time, Ct));

        Assert.Equal("running", job.State);
        Assert.True(job.IsRunning);
        Assert.Contains($"pid {Environment.ProcessId}", job.RunningIn, StringComparison.Ordinal);
        Assert.Null(job.ResumeCommand);
    }

    [Fact]
    public async Task A_resume_command_asks_for_a_uri_whose_password_the_state_never_kept()
    {
        await CreateAsync("secret", JobStatus.Failed, Start, source: "mongodb://admin:****@source:27017");

        var job = Assert.Single(await JobCatalog.ListAsync(_work, _time, Ct));

        Assert.Equal("failed", job.State);
        Assert.Contains("--source <source URI with its password>", job.ResumeCommand, StringComparison.Ordinal);
        Assert.Contains("--target 'mongodb://target:27017'", job.ResumeCommand, StringComparison.Ordinal);
        Assert.DoesNotContain("****", job.ResumeCommand, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_file_that_is_not_a_database_is_listed_as_unreadable_with_one_line()
    {
        var folder = JobFolder.Of(_work, "broken");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(JobFolder.StatePath(folder), new string('x', 4096), Ct);

        var job = Assert.Single(await JobCatalog.ListAsync(_work, _time, Ct));

        Assert.Equal(("broken", "unreadable"), (job.JobId, job.State));
        Assert.False(string.IsNullOrWhiteSpace(job.Error));
        Assert.DoesNotContain('\n', job.Error!);
    }

    private async Task CreateAsync(string jobId, JobStatus status, DateTimeOffset createdAt, string source = "mongodb://source:27017")
    {
        var definition = new JobDefinition
        {
            Source = source,
            Target = "mongodb://target:27017",
            Selection = "all",
            Include = [],
            Exclude = [],
            Renames = [],
            Method = "direct",
        };
        var store = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(JobFolder.Of(_work, jobId)), _time, Ct);
        await using (store)
        {
            var job = new JobRecord { JobId = jobId, DefinitionJson = definition.ToJson(), Status = status, CreatedAt = createdAt, UpdatedAt = createdAt };
            await store.CreateJobAsync(job, [new CollectionRecord { SourceNamespace = "users.customers", TargetNamespace = "users.customers", Status = CollectionStatus.Pending }], Ct);
        }
    }
}
