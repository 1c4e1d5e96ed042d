using System.Net.Http.Json;

namespace MongoMigrate.Dashboard.Tests.Endpoints;

/// <summary>Posts an action as the page does: JSON with the dashboard's request header.</summary>
internal static class Actions
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object? body = null, bool withHeader = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        if (withHeader)
        {
            request.Headers.Add("X-MongoMigrate-Request", "1");
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
