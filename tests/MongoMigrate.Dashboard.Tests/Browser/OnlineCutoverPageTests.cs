using Microsoft.Playwright;
using MongoDB.Bson;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;
using static Microsoft.Playwright.Assertions;

namespace MongoMigrate.Dashboard.Tests.Browser;

/// <summary>An online migration's page in a real browser (Debian's Chromium through Playwright): its lag and events, a verification and the cutover.</summary>
[Collection(ServerCollection.Name)]
public sealed class OnlineCutoverPageTests(MongoServerFixture server)
{
    [Fact]
    public async Task The_page_of_an_online_job_shows_its_following_verifies_it_and_cuts_it_over_after_a_confirmation()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migration = await RunningMigration.StartAsync(server, "browseronline", collections: 3, online: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.ExecutablePath(), Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 2200 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(migration.Dashboard.Address + "#/jobs/browseronline");
        await Expect(page.Locator("#online-card")).ToBeVisibleAsync();
        await page.ClickAsync("#unpause");
        await Expect(page.Locator("#online-phase")).ToHaveTextAsync(OnlinePhase.Following, new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 });

        // The application writes on the source: the page counts the events applied and shows a lag.
        var source = server.Client.GetDatabase(migration.SourceDatabase).GetCollection<BsonDocument>("c000");
        await source.InsertManyAsync(Enumerable.Range(1, 30).Select(i => new BsonDocument { { "_id", -(long)i }, { "late", i } }), cancellationToken: cancellationToken);
        // At least those 30 (the test server may have had other changes to follow meanwhile).
        await RunningMigration.WaitUntilAsync(() => migration.Job.Following is { EventsApplied: >= 30 }, "the 30 inserts to be applied");
        await Expect(page.Locator("#events-applied")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^([3-9]\d|[1-9][\d,]{2,})$"), new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await Expect(page.Locator("#lag")).ToContainTextAsync(" s");

        // A verification from the page: the engine's verifier compares the copied collections.
        await page.ClickAsync("#verify");
        await Expect(page.Locator("#verify-state")).ToContainTextAsync("equal", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
        await Expect(page.Locator("#verify-result")).ToContainTextAsync("3 collection(s) compared byte for byte by _id");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-online.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"screenshot: {screenshot}");

        // Cutover asks first; cancelled, nothing happens.
        await page.ClickAsync("#cutover");
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("Cut over now?");
        await page.ClickAsync("#confirm-cancel");
        Assert.Equal(OnlinePhase.Following, migration.Job.Progress.Phase);

        // Confirmed: the engine cuts over, and the page shows when (T) and that the target equals the source.
        await page.ClickAsync("#cutover");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#cutover-result")).ToContainTextAsync("target equals source for 3 collections; lag 0", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
        await Expect(page.Locator("#cutover-result")).ToContainTextAsync("T = Timestamp(");
        var summary = await migration.Run;
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Cutover!.CutOver);
        await Expect(page.Locator("#state")).ToHaveTextAsync("completed", new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 });
        await Expect(page.Locator("#online-phase")).ToHaveTextAsync(OnlinePhase.CutOver);
        await Expect(page.Locator("#cutover")).ToBeDisabledAsync();
        await TargetComparison.AssertEqualAsync(server.Client, server.Client, migration.SourceDatabase, migration.TargetDatabase, cancellationToken);
        Assert.Empty(problems);
    }
}
