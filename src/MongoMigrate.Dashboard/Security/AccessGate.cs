using Microsoft.AspNetCore.Http;
using MongoMigrate.Dashboard.Contracts;

namespace MongoMigrate.Dashboard.Security;

/// <summary>
/// Guards every request. With a token: the API and /metrics take it as a bearer token or the login cookie, the page
/// sends a browser without it to the login form. Always: a POST must carry the dashboard's request header (which a
/// page of another origin cannot send without a preflight this server never allows) and no foreign Origin.
/// </summary>
internal sealed class AccessGate(AccessToken? token)
{
    public const string CookieName = "mongomigrate_dashboard";

    /// <summary>The header every POST of the API needs; the page sends it.</summary>
    public const string RequestHeader = "X-MongoMigrate-Request";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var isApi = path.StartsWithSegments("/api", StringComparison.Ordinal) || path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/openapi", StringComparison.Ordinal);
        if (token is not null && !path.StartsWithSegments("/login", StringComparison.Ordinal) && !path.StartsWithSegments("/assets/login.css", StringComparison.Ordinal) && !Authorized(context.Request))
        {
            if (isApi)
            {
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "a token is needed: send 'Authorization: Bearer <token>' (the token printed at start, or the --token-file's).").ConfigureAwait(false);
            }
            else
            {
                context.Response.Redirect("/login");
            }

            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && !path.StartsWithSegments("/login", StringComparison.Ordinal))
        {
            if (!context.Request.Headers.ContainsKey(RequestHeader))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, $"actions need the header '{RequestHeader}: 1' (the dashboard's page sends it).").ConfigureAwait(false);
                return;
            }

            if (context.Request.Headers.Origin is [{ } origin] && !SameOrigin(origin, context.Request))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "actions are taken only from the dashboard's own page.").ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    public bool Authorized(HttpRequest request)
    {
        if (token is null)
        {
            return true;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && token.Matches(authorization["Bearer ".Length..].Trim()))
        {
            return true;
        }

        return request.Cookies.TryGetValue(CookieName, out var cookie) && token.Matches(cookie);
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiError(message));
    }
}
