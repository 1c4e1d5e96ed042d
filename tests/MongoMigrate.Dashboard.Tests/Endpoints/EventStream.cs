using System.Text.Json;

namespace MongoMigrate.Dashboard.Tests.Endpoints;

/// <summary>Reads server-sent events as a browser's EventSource would.</summary>
internal static class EventStream
{
    /// <summary>The data of the next event named <paramref name="name"/>.</summary>
    public static async Task<JsonElement> NextAsync(StreamReader reader, string name)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        string? eventName = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (eventName == name && data.Count > 0)
                {
                    return JsonDocument.Parse(string.Join("\n", data)).RootElement.Clone();
                }

                eventName = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..].TrimStart());
            }
        }

        throw new InvalidOperationException("the event stream ended");
    }
}
