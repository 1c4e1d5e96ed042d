using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using MongoMigrate.Cluster.Hosting;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Secrets;
using MongoMigrate.Cluster.Storage;
using MongoMigrate.Cluster.Submitting;

namespace MongoMigrate.Cluster.Tests.Workers;

/// <summary>
/// Workers as the worker command starts them (silos on loopback TCP, PostgreSQL for membership, grain state and
/// reminders, its schema created on first use), one of them stopped without a word mid-copy.
/// </summary>
public sealed class PostgresClusterJobTests(ClusterTestBed bed) : IClassFixture<ClusterTestBed>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task A_worker_stopped_mid_copy_has_its_chunks_copied_by_the_others_with_PostgreSQL_as_the_cluster_store() =>
        StopAWorkerMidCopyAsync("pg", (status, silos) => status.LeasesBySilo.Keys.FirstOrDefault(silos.ContainsKey));

    /// <summary>
    /// The job grain moves when its silo stops: while it does, the others' reports (a chunk copied, a chunk handed back,
    /// a lease asked for) fail for a few seconds. None may be lost, or the grain waits forever for chunks their silos forgot.
    /// </summary>
    [Fact]
    public Task Stopping_the_worker_that_holds_the_job_grain_while_the_others_copy_loses_none_of_their_reports() =>
        StopAWorkerMidCopyAsync("pggrain", (status, silos) =>
            status.GrainSilo is { } grainSilo && silos.ContainsKey(grainSilo) && status.LeasesBySilo.Keys.Count(s => s != grainSilo) >= 2 ? grainSilo : null);

    private async Task StopAWorkerMidCopyAsync(string jobId, Func<ClusterJobStatus, IReadOnlyDictionary<string, IHost>, string?> victimOf)
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        var connection = database.Connection;
        var options = bed.WorkerOptions() with { Key = new ClusterKey(connection.Secret) };
        var workers = new List<IHost>();
        try
        {
            // Three workers at once: one of them creates the schema, under the advisory lock.
            workers.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ClusterProcess.StartWorkerAsync(connection, IPAddress.Loopback, FreePort(), FreePort(), options, null, Ct))));
            using var clientHost = await ClusterProcess.StartClientAsync(connection, null, Ct);
            var client = new ClusterJobClient(clientHost.Client());
            bed.SlowTarget(TimeSpan.FromMilliseconds(100));
            await client.SubmitAsync(await bed.PlanAsync(options.Key, jobId, jobId, dumpWorkers: 3, restoreWorkers: 3, Ct));

            var victim = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var silos = workers.ToDictionary(w => w.Services.GetSiloAddress(), StringComparer.Ordinal);
            var following = client.FollowAsync(
                jobId,
                status =>
                {
                    if (status.Done >= 2 && victimOf(status, silos) is { } silo)
                    {
                        victim.TrySetResult(silo);
                    }
                },
                TimeSpan.FromMilliseconds(200),
                Ct);
            var killed = await victim.Task.WaitAsync(TimeSpan.FromSeconds(180), Ct);

            // Stopped with a cancelled token, mid-copy: whatever it held goes to the others.
            var host = silos[killed];
            workers.Remove(host);
            await host.StopAsync(new CancellationToken(canceled: true));
            host.Dispose();

            // Stopping, it may still have finished its chunk or handed it back; what it holds now, only the others can finish.
            var held = (await ListWhileTheGrainsMoveAsync(client)).Single(j => j.JobId == jobId).LeasesBySilo.GetValueOrDefault(killed);

            var status = await following.WaitAsync(TimeSpan.FromSeconds(240), Ct);
            bed.SlowTarget(TimeSpan.Zero);

            Assert.True(status.Phase == ClusterJobPhase.Completed, status.Error);
            Assert.Equal(status.Chunks, status.Done);
            Assert.True(held == 0 || status.Reclaimed >= held, $"the stopped worker held {held} lease(s), which should have gone to the others ({status.Reclaimed} reclaimed)");
            Assert.False(status.LeasesBySilo.ContainsKey(killed));
            Assert.NotEqual(killed, status.GrainSilo);
            await bed.AssertTargetEqualsSourceAsync(jobId, Ct);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.StopAsync(CancellationToken.None);
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task An_unreachable_cluster_database_is_one_line_without_the_password()
    {
        var connection = ClusterConnection.Parse("Host=127.0.0.1;Port=1;Username=mm;Password=hunter2-secret;Database=mm;Timeout=2");

        var error = await Assert.ThrowsAsync<ClusterConnectionException>(() => ClusterSchema.EnsureAsync(connection, Ct));

        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("Host=127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_one_line_without_it()
    {
        var given = new Npgsql.NpgsqlConnectionStringBuilder(PostgresTestDatabase.Server) { Password = "not-the-password-42" };
        var connection = ClusterConnection.Parse(given.ConnectionString);

        var error = await Assert.ThrowsAsync<ClusterConnectionException>(() => ClusterSchema.EnsureAsync(connection, Ct));

        Assert.DoesNotContain("not-the-password-42", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("28P01", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Lists the jobs; a call sent while the grains move off the stopped silo (or through it as the client's gateway) may
    /// get no answer within the response timeout, and is asked again, as `jobs --cluster` would be.
    /// </summary>
    private static async Task<IReadOnlyList<ClusterJobStatus>> ListWhileTheGrainsMoveAsync(ClusterJobClient client)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.ListAsync();
            }
            catch (Exception e) when (attempt < 3 && e is TimeoutException or Orleans.Runtime.OrleansException)
            {
                TestContext.Current.SendDiagnosticMessage($"listing the jobs, attempt {attempt}: {e.GetType().Name}");
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
