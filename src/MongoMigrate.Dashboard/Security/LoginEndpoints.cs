using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MongoMigrate.Dashboard.Security;

/// <summary>The login form of a dashboard that needs a token: a right token sets an HTTP-only, same-site cookie.</summary>
internal static class LoginEndpoints
{
    public static void Map(IEndpointRouteBuilder app, AccessToken? token, Func<string, string> page)
    {
        app.MapGet("/login", () => Results.Content(page(string.Empty), "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapPost("/login", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var given = form["token"].ToString();
            if (token is null || !token.Matches(given))
            {
                return Results.Content(page("That is not the token: use the one printed when the dashboard started, or the --token-file's."), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            }

            context.Response.Cookies.Append(AccessGate.CookieName, token.Value, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
            });
            return Results.Redirect("/");
        }).DisableAntiforgery().ExcludeFromDescription();
    }
}
