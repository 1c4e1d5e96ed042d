using System.Net.Http.Json;
using System.Net.Sockets;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// What an open dashboard page asks of a running migration, for measuring the dashboard's cost: the job's event stream
/// (server-sent events), and after each pushed change, at most every two seconds, the collections, chunks and errors
/// as the page reads them; and a Prometheus scrape of /metrics every five seconds.
/// </summary>
public static class DashboardWatcher
{
    /// <summary>A loopback port nothing listens on now, for the dashboard of one contender.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Watches the job until cancelled (its process has ended); returns how many events and requests it made.</summary>
    public static async Task<(int Events, int Requests)> WatchAsync(int port, string jobId, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Timeout.InfiniteTimeSpan };
        var events = 0;
        var requests = 0;
        var lastRead = TimeSpan.FromSeconds(-10);
        var lastScrape = TimeSpan.FromSeconds(-10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The process takes a moment to start listening; a browser would retry just as EventSource does.
            using var stream = await OpenAsync(http, $"api/jobs/{Uri.EscapeDataString(jobId)}/events", cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                events++;
                if (clock.Elapsed - lastRead >= TimeSpan.FromSeconds(2))
                {
                    lastRead = clock.Elapsed;
                    await Task.WhenAll(
                        http.GetFromJsonAsync<object>($"api/jobs/{jobId}/collections?page=1&pageSize=25&sort=name", cancellationToken),
                        http.GetFromJsonAsync<object>($"api/jobs/{jobId}/chunks", cancellationToken),
                        http.GetFromJsonAsync<object>($"api/jobs/{jobId}/errors?limit=50", cancellationToken)).ConfigureAwait(false);
                    requests += 3;
                }

                if (clock.Elapsed - lastScrape >= TimeSpan.FromSeconds(5))
                {
                    lastScrape = clock.Elapsed;
                    _ = await http.GetStringAsync("metrics", cancellationToken).ConfigureAwait(false);
                    requests++;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // The migration ended and its dashboard with it.
        }

        return (events, requests);
    }

    private static async Task<Stream> OpenAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                }

                response.Dispose();
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }
}
