using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.State;

public sealed class JobLockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mm-lock-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_second_holder_is_refused_with_a_message_naming_the_first()
    {
        using var first = JobLock.Acquire(_folder, "job-a");

        var error = Assert.Throws<MigrationException>(() => JobLock.Acquire(_folder, "job-a"));

        Assert.Contains("Job job-a is already running in another mongomigrate process", error.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_whose_holder_is_gone_is_taken_over_at_once()
    {
        // Closing the handle is what the operating system does for a process that dies, kill -9 included.
        JobLock.Acquire(_folder, "job-a").Dispose();

        using var second = JobLock.Acquire(_folder, "job-a");

        Assert.True(JobLock.Probe(_folder).Held);
    }

    [Fact]
    public void A_probe_tells_held_from_free_without_taking_or_creating_the_lock()
    {
        var empty = Path.Combine(_folder, "never");
        Assert.False(JobLock.Probe(empty).Held);
        Assert.False(Directory.Exists(empty));

        using (JobLock.Acquire(_folder, "job-a"))
        {
            var (held, owner) = JobLock.Probe(_folder);
            Assert.True(held);
            Assert.Contains($"pid {Environment.ProcessId}", owner, StringComparison.Ordinal);
        }

        Assert.False(JobLock.Probe(_folder).Held);
        using var again = JobLock.Acquire(_folder, "job-a");
    }
}
