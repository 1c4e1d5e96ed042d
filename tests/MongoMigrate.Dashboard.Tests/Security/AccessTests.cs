using System.Net;
using System.Net.Http.Headers;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Security;
using MongoMigrate.Dashboard.Tests.Endpoints;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests.Security;

/// <summary>A dashboard with a token: the API, /metrics and the page refuse a request without the right one.</summary>
[Collection(ServerCollection.Name)]
public sealed class AccessTests(MongoServerFixture server)
{
    private const string Token = "tok-0123456789abcdef-secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_API_refuses_a_missing_or_wrong_token_and_takes_the_right_one()
    {
        await using var migration = await RunningMigration.StartAsync(server, "tokenapi", collections: 1, options: new DashboardOptions { Token = AccessToken.Of(Token) });
        var http = migration.Http;

        var missing = await http.GetAsync("/api/jobs", Ct);
        var wrong = await SendAsync(http, HttpMethod.Get, "/api/jobs", "tok-0123456789abcdef-secreT");
        var metrics = await http.GetAsync("/metrics", Ct);
        var openApi = await http.GetAsync("/openapi/v1.json", Ct);
        var right = await SendAsync(http, HttpMethod.Get, "/api/jobs", Token);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("a token is needed", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, openApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("tokenapi", await right.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // An action needs the token too, then the request header.
        var unpauseWithoutToken = await Actions.PostAsync(http, "/api/jobs/tokenapi/unpause");
        Assert.Equal(HttpStatusCode.Unauthorized, unpauseWithoutToken.StatusCode);
        Assert.True(migration.Job.Steering.IsPaused);
    }

    [Fact]
    public async Task The_page_sends_a_browser_to_the_login_form_whose_right_token_sets_the_cookie()
    {
        await using var migration = await RunningMigration.StartAsync(server, "tokenpage", collections: 1, options: new DashboardOptions { Token = AccessToken.Of(Token) });
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = migration.Dashboard.Address };

        var page = await browser.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login", page.Headers.Location?.ToString());
        Assert.Contains("name=\"token\"", await browser.GetStringAsync("/login", Ct), StringComparison.Ordinal);

        var refused = await browser.PostAsync("/login", new FormUrlEncodedContent([new("token", "not-the-token-at-all-0000")]), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(cookies.GetCookies(migration.Dashboard.Address));

        var accepted = await browser.PostAsync("/login", new FormUrlEncodedContent([new("token", Token)]), Ct);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var cookie = Assert.Single(cookies.GetCookies(migration.Dashboard.Address));
        Assert.True(cookie.HttpOnly);
        var signedIn = await browser.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("mongomigrate dashboard", await signedIn.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/jobs/tokenpage", Ct)).StatusCode);
    }

    [Fact]
    public void A_dashboard_beyond_loopback_without_a_token_is_refused()
    {
        var options = new DashboardOptions { Address = IPAddress.Any };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("a dashboard listening on 0.0.0.0 needs a token.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_is_matched_only_whole()
    {
        var token = AccessToken.Of(Token);

        Assert.True(token.Matches(Token));
        Assert.False(token.Matches(Token[..^1]));
        Assert.False(token.Matches(Token + "x"));
        Assert.False(token.Matches(null));
        Assert.Throws<ArgumentException>(() => AccessToken.Of("short"));
        Assert.NotEqual(AccessToken.Generate().Value, AccessToken.Generate().Value);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, Ct);
    }
}
