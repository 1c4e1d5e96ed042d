using Microsoft.Playwright;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;
using static Microsoft.Playwright.Assertions;

namespace MongoMigrate.Dashboard.Tests.Browser;

/// <summary>The page in a real browser (Debian's Chromium through Playwright) on a real migration.</summary>
[Collection(ServerCollection.Name)]
public sealed class DashboardPageTests(MongoServerFixture server)
{
    [Fact]
    public async Task The_page_follows_a_migration_and_its_buttons_steer_the_engine()
    {
        await using var migration = await RunningMigration.StartAsync(server, "browser", collections: 12);
        if (server.Sandbox is { } sandbox)
        {
            // Slow enough to watch: every command waits a little.
            sandbox.Faults.Latency = TimeSpan.FromMilliseconds(150);
        }

        try
        {
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

            // The job list shows it; its view opens paused.
            await page.GotoAsync(migration.Dashboard.Address.ToString());
            await Expect(page.Locator("#jobs")).ToContainTextAsync("browser");
            await page.ClickAsync("a[href='#/jobs/browser']");
            await Expect(page.Locator("#state")).ToHaveTextAsync("paused");
            await Expect(page.Locator("#collections tr")).ToHaveCountAsync(12);

            // Unpause from the page: the engine runs and the page sees the documents go up.
            await page.ClickAsync("#unpause");
            await Expect(page.Locator("#state")).ToHaveTextAsync("running");
            Assert.False(migration.Job.Steering.IsPaused);
            var before = await page.Locator("#documents").TextContentAsync();
            await Expect(page.Locator("#documents")).Not.ToHaveTextAsync(before!, new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 });

            // Pause asks first; confirmed, the engine pauses. The rest is steered while paused, so a fast machine cannot
            // finish the job before the test has looked at it.
            await page.ClickAsync("#pause");
            await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
            await page.ClickAsync("#confirm-ok");
            await Expect(page.Locator("#state")).ToHaveTextAsync("paused");
            Assert.True(migration.Job.Steering.IsPaused);

            // + on the restore pool: the page and the engine follow (the pool itself opens to 2 on unpause).
            await page.ClickAsync("#restore-plus");
            await Expect(page.Locator("#restore-count")).ToHaveTextAsync("2");
            Assert.Equal(2, migration.Job.Steering.Settings.RestoreWorkers);

            // A collection's chunks, from the state, under the table.
            await page.Locator("#collections tr[data-ns]").First.ClickAsync();
            await Expect(page.Locator("#chunks tr").First).ToBeVisibleAsync();

            var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-job.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            TestContext.Current.SendDiagnosticMessage($"screenshot: {screenshot}");

            // Unpause and let it finish.
            await page.ClickAsync("#unpause");
            await Expect(page.Locator("#state")).Not.ToHaveTextAsync("paused");
            Assert.False(migration.Job.Steering.IsPaused);
            Assert.Equal(2, migration.Job.Pools!.Restore!.MaxWorkers);
            await Expect(page.Locator("#restore-note")).ToContainTextAsync("max 2");

            if (server.Sandbox is { } running)
            {
                running.Faults.Latency = TimeSpan.Zero;
            }

            var summary = await migration.Run;
            Assert.Equal(JobStatus.Completed, summary.Status);
            await Expect(page.Locator("#state")).ToHaveTextAsync("completed", new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 });
            await Expect(page.Locator("#percent")).ToHaveTextAsync("100.0%");
            Assert.True(File.Exists(screenshot));
            Assert.Empty(problems);
        }
        finally
        {
            server.Sandbox?.Faults.Clear();
        }
    }
}
