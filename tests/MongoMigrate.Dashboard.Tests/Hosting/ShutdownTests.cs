using System.Diagnostics;
using MongoMigrate.Dashboard.Tests.Endpoints;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Hosting;

/// <summary>The dashboard ends with its job's process: a page left open does not hold the process.</summary>
[Collection(ServerCollection.Name)]
public sealed class ShutdownTests(MongoServerFixture server)
{
    [Fact]
    public async Task A_dashboard_with_pages_on_its_event_streams_stops_at_once_and_ends_their_streams()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migration = await RunningMigration.StartAsync(server, "shutdown", collections: 1);
        using var http = new HttpClient { BaseAddress = migration.Dashboard.Address, Timeout = Timeout.InfiniteTimeSpan };
        using var job = await http.GetAsync("/api/jobs/shutdown/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var list = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var jobReader = new StreamReader(await job.Content.ReadAsStreamAsync(cancellationToken));
        using var listReader = new StreamReader(await list.Content.ReadAsStreamAsync(cancellationToken));
        await EventStream.NextAsync(jobReader, "job");
        await EventStream.NextAsync(listReader, "jobs");

        var clock = Stopwatch.StartNew();
        await migration.Dashboard.DisposeAsync();

        // The streams end as responses do, not cut by Kestrel at the end of its shutdown timeout (30 s by default, which
        // a page left open made every --dashboard run wait at its end).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the dashboard took {clock.Elapsed.TotalSeconds:0.0} s to stop");
        Assert.Equal("ended", await EndAsync(jobReader));
        Assert.Equal("ended", await EndAsync(listReader));
    }

    /// <summary>Reads what is left: "ended" when the response ends, "cut" when its connection is aborted under the read.</summary>
    private static async Task<string> EndAsync(StreamReader reader)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is not null)
            {
            }

            return "ended";
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "cut";
        }
    }
}
