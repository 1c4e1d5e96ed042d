using Microsoft.Playwright;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Tests.Endpoints;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;
using static Microsoft.Playwright.Assertions;

namespace MongoMigrate.Dashboard.Tests.Browser;

/// <summary>The page of a work folder (mongomigrate serve --work-dir) in a real browser: jobs read from their state files.</summary>
[Collection(ServerCollection.Name)]
public sealed class OfflineViewPageTests(MongoServerFixture server)
{
    private static readonly LocatorAssertionsToContainTextOptions Minutes = new() { Timeout = 180_000 };

    [Fact]
    public async Task The_offline_view_shows_a_finished_job_its_collections_and_chunks_from_its_state()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migration = await RunningMigration.StartAsync(server, "offline", collections: 12);
        Assert.Equal(JobStatus.Completed, (await migration.FinishAsync()).Status);
        await using var serve = await DashboardServer.StartAsync(new DashboardOptions { WorkDirectory = migration.WorkDirectory }, cancellationToken: cancellationToken);
        await using var browser = await BrowserPage.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync(serve.Address.ToString());
        await Expect(page.Locator("#jobs")).ToContainTextAsync("offline");
        await page.ClickAsync("a[href='#/jobs/offline']");
        await Expect(page.Locator("#state")).ToHaveTextAsync("completed");
        await Expect(page.Locator("#percent")).ToHaveTextAsync("100.0%");
        await Expect(page.Locator("#collections tr")).ToHaveCountAsync(12);
        await page.Locator("#collections tr[data-ns]").First.ClickAsync();
        await Expect(page.Locator("#chunks tr").First).ToBeVisibleAsync();

        // No action can apply: the page says why instead of showing buttons that do nothing.
        await Expect(page.Locator("#steering-note")).ToHaveTextAsync("completed: there is nothing to steer.");
        foreach (var action in new[] { "#pause", "#unpause", "#adaptive", "#stop", "#verify", "#restore-plus", "#restore-minus", "#dump-plus", "#insertion-minus" })
        {
            await Expect(page.Locator(action)).ToBeHiddenAsync();
        }

        await Expect(page.Locator("#restore-offline")).ToContainTextAsync("Not running: the count it last ran with.");
        await Expect(page.Locator("main button:visible")).ToHaveCountAsync(0);

        // No empty chart: what the state holds, and the largest collections.
        await Expect(page.Locator("#chart")).ToBeHiddenAsync();
        await Expect(page.Locator("#throughput-note")).ToContainTextAsync("No live figures: the job is not running (completed).");
        await Expect(page.Locator("#throughput-offline")).ToContainTextAsync("18,000");
        await Expect(page.Locator("#largest tr")).ToHaveCountAsync(8);
        await Expect(page.Locator("#rate-label")).ToHaveTextAsync("average throughput");
        await Expect(page.Locator("#verification")).ToContainTextAsync("does not record whether the copy was verified");

        // docs/dashboard.png is this screenshot.
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-offline.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 0);
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task A_stopped_job_offers_the_command_that_resumes_it_instead_of_buttons()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migration = await RunningMigration.StartAsync(server, "offstop", collections: 2);
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Snapshot().Collections.Count == 2, "the plan");
        (await Actions.PostAsync(migration.Http, "/api/jobs/offstop/stop")).EnsureSuccessStatusCode();
        Assert.Equal(JobStatus.Stopped, (await migration.Run).Status);
        await migration.Live.Finished;
        await using var serve = await DashboardServer.StartAsync(new DashboardOptions { WorkDirectory = migration.WorkDirectory }, cancellationToken: cancellationToken);
        await using var browser = await BrowserPage.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync(serve.Address + "#/jobs/offstop");
        await Expect(page.Locator("#state")).ToHaveTextAsync("stopped");
        await Expect(page.Locator("#steering-note")).ToHaveTextAsync("not running (stopped): resume it with the command below.");
        await Expect(page.Locator("#resume-command")).ToContainTextAsync($"mongomigrate migrate --resume --job-id offstop --work-dir '{migration.WorkDirectory}'");
        await Expect(page.Locator("#stop")).ToBeHiddenAsync();
        await Expect(page.Locator("main button:visible")).ToHaveCountAsync(0);
        await Expect(page.Locator("#throughput-note")).ToContainTextAsync("No live figures: the job is not running (stopped).");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task A_job_another_process_runs_moves_on_in_the_open_page_without_a_reload()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migration = await RunningMigration.StartAsync(server, "offmove", collections: 2);
        await RunningMigration.WaitUntilAsync(() => migration.Job.Progress.Snapshot().Collections.Count == 2, "the plan");
        await using var serve = await DashboardServer.StartAsync(new DashboardOptions { WorkDirectory = migration.WorkDirectory }, cancellationToken: cancellationToken);
        await using var browser = await BrowserPage.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync(serve.Address + "#/jobs/offmove");
        await Expect(page.Locator("#steering-note")).ToContainTextAsync("running in another process");
        await Expect(page.Locator("#pause")).ToBeHiddenAsync();

        // The job's own process lets it finish: the page served from the work folder follows its state.
        Assert.Equal(JobStatus.Completed, (await migration.FinishAsync()).Status);
        await Expect(page.Locator("#state")).ToHaveTextAsync("completed", new LocatorAssertionsToHaveTextOptions { Timeout = 180_000 });
        await Expect(page.Locator("#percent")).ToHaveTextAsync("100.0%");
        await Expect(page.Locator("#steering-note")).ToContainTextAsync("completed: there is nothing to steer.", Minutes);
        Assert.Empty(browser.Problems);
    }
}
