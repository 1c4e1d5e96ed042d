using System.Net.Sockets;
using System.Text.Json;
using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// The running job's end of the cutover channel: accepts connections (the `cutover` command), reads the request, asks
/// the job (<see cref="IOnlineJob.RequestCutoverAsync"/>, the engine method an HTTP API would call too) and writes the
/// result back. Waits on the socket; nothing polls.
/// </summary>
internal sealed class CutoverListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly string _path;
    private readonly IOnlineJob _job;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private CutoverListener(Socket socket, string path, IOnlineJob job)
    {
        _socket = socket;
        _path = path;
        _job = job;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>Listens at the job folder's endpoint; the job's lock is held, so a socket file left there by a killed run is stale.</summary>
    public static CutoverListener Start(IOnlineJob job, string jobDirectory)
    {
        var path = CutoverChannel.EndpointOf(jobDirectory);
        File.Delete(path);
        var socket = CutoverChannel.NewSocket();
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(8);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new CutoverListener(socket, path, job);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Closed as the job ends.
        }

        File.Delete(_path);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                connections.RemoveAll(c => c.IsCompleted);
                connections.Add(ServeAsync(client, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(connections).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                await using var stream = new NetworkStream(client, ownsSocket: false);
                using var reader = new StreamReader(stream);
                await using var writer = new StreamWriter(stream) { AutoFlush = true };
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                CutoverResult result;
                if (Parse(line) is { } request)
                {
                    result = await _job.RequestCutoverAsync(request, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    result = new CutoverResult { CutOver = false, Message = "not cut over: the request could not be read (expected one JSON line)." };
                }

                await writer.WriteLineAsync(CutoverJson.ToLine(result)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The other side left, or the job is ending: it learns so from the closed connection.
            }
        }
    }

    private static CutoverRequest? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var block = root.TryGetProperty("blockWrites", out var b) && b.ValueKind == JsonValueKind.True;
            TimeSpan? timeout = root.TryGetProperty("timeoutSeconds", out var t) && t.ValueKind == JsonValueKind.Number ? TimeSpan.FromSeconds(t.GetDouble()) : null;
            return new CutoverRequest(block, timeout);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
