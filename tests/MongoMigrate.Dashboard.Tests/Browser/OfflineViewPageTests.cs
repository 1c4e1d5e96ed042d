using Microsoft.Playwright;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;
using static Microsoft.Playwright.Assertions;

namespace MongoMigrate.Dashboard.Tests.Browser;

/// <summary>The page of a work folder (mongomigrate serve --work-dir) in a real browser: a finished job, from its state file.</summary>
[Collection(ServerCollection.Name)]
public sealed class OfflineViewPageTests(MongoServerFixture server)
{
    [Fact]
    public async Task The_offline_view_shows_a_finished_job_its_collections_and_chunks_from_its_state()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migration = await RunningMigration.StartAsync(server, "offline", collections: 12);
        Assert.Equal(JobStatus.Completed, (await migration.FinishAsync()).Status);
        await using var serve = await DashboardServer.StartAsync(new DashboardOptions { WorkDirectory = migration.WorkDirectory }, cancellationToken: cancellationToken);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.ExecutablePath(), Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1900 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(serve.Address.ToString());
        await Expect(page.Locator("#jobs")).ToContainTextAsync("offline");
        await page.ClickAsync("a[href='#/jobs/offline']");
        await Expect(page.Locator("#state")).ToHaveTextAsync("completed");
        await Expect(page.Locator("#percent")).ToHaveTextAsync("100.0%");
        await Expect(page.Locator("#collections tr")).ToHaveCountAsync(12);
        await page.Locator("#collections tr[data-ns]").First.ClickAsync();
        await Expect(page.Locator("#chunks tr").First).ToBeVisibleAsync();

        // docs/dashboard.png is this screenshot.
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-offline.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 0);
        Assert.Empty(problems);
    }
}
