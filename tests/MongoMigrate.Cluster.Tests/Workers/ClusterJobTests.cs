using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Submitting;

namespace MongoMigrate.Cluster.Tests.Workers;

/// <summary>Three silos in one process share a job through its grain; one of them is killed while it holds leases.</summary>
public sealed class ClusterJobTests(ClusterTestBed bed) : IClassFixture<ClusterTestBed>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_shared_by_three_silos_completes_and_the_target_equals_the_source()
    {
        await using var cluster = await bed.StartClusterAsync(3);
        var plan = await bed.PlanAsync("shared", "shared", dumpWorkers: 6, restoreWorkers: 6, Ct);
        Assert.True(plan.Collections.Sum(c => c.Chunks.Count) >= 10, "the dataset should make many chunks");
        var client = new ClusterJobClient(cluster.Client);
        await client.SubmitAsync(plan);

        var status = await client.FollowAsync("shared", null, TimeSpan.FromSeconds(1), Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.True(status.Phase == ClusterJobPhase.Completed, status.Error);
        Assert.Equal(status.Chunks, status.Done);
        Assert.Equal(ClusterTestBed.Specs.Sum(s => s.Documents), status.Documents);
        Assert.True(status.DoneBySilo.Count >= 2, $"chunks were copied by {status.DoneBySilo.Count} silo(s) only");
        await bed.AssertTargetEqualsSourceAsync("shared", Ct);
    }

    [Fact]
    public async Task Killing_the_silo_that_holds_leases_mid_copy_loses_nothing()
    {
        await using var cluster = await bed.StartClusterAsync(3);
        var plan = await bed.PlanAsync("killed", "killed", dumpWorkers: 3, restoreWorkers: 3, Ct);
        var client = new ClusterJobClient(cluster.Client);
        bed.SlowTarget(TimeSpan.FromMilliseconds(100));
        await client.SubmitAsync(plan);

        // Once a few chunks are done, kill a silo (not the first, which the test cluster's client talks to) that holds leases.
        var victim = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var candidates = cluster.Silos.Skip(1).ToDictionary(s => s.SiloAddress.ToParsableString(), StringComparer.Ordinal);
        var following = client.FollowAsync(
            "killed",
            status =>
            {
                if (status.Done >= 2 && status.LeasesBySilo.Keys.FirstOrDefault(candidates.ContainsKey) is { } silo)
                {
                    victim.TrySetResult(silo);
                }
            },
            TimeSpan.FromMilliseconds(200),
            Ct);
        var killed = await victim.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await cluster.KillSiloAsync(candidates[killed], Ct);

        var status = await following.WaitAsync(TimeSpan.FromSeconds(90), Ct);
        bed.SlowTarget(TimeSpan.Zero);

        Assert.True(status.Phase == ClusterJobPhase.Completed, status.Error);
        Assert.Equal(status.Chunks, status.Done);
        Assert.True(status.Reclaimed > 0, "the killed silo's leases should have gone to the others");
        Assert.Equal(ClusterTestBed.Specs.Sum(s => s.Documents), status.Documents);
        await bed.AssertTargetEqualsSourceAsync("killed", Ct);
    }
}
