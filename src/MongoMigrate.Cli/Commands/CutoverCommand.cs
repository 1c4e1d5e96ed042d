using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using MongoMigrate.Cli.Running;
using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Cli.Commands;

/// <summary>
/// `mongomigrate cutover`: asks the running `migrate --online` of a job to cut over, through the job folder's cutover
/// channel, and waits for the answer. Exit 0 only when the job is cut over with the target equal to the source.
/// </summary>
internal static class CutoverCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var jobId = new Option<string>("--job-id") { Description = "The online job to cut over (mongomigrate jobs lists them).", Required = true };
        var workDir = new Option<string>("--work-dir") { Description = "The work folder the job runs in.", DefaultValueFactory = _ => "mongomigrate-work" };
        var blockWrites = new Option<bool>("--block-writes") { Description = "Block user writes on the source first (setUserWriteBlockMode; they stay blocked after the cutover)." };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds the cutover may take before it gives up (writes are unblocked again and following goes on)." };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("cutover", "Cut a running online migration over: apply every change up to the source's current cluster time, recheck changed documents, stop following.")
        {
            jobId, workDir, blockWrites, timeout, json, verbose,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var id = parse.GetValue(jobId)!;
            JobOptionRules.RequireJobId(id);
            if (parse.GetValue(timeout) is <= 0)
            {
                throw new UsageException("--timeout must be a positive number of seconds.");
            }

            var folder = CommonOptions.Path(parse.GetValue(workDir), "--work-dir")!;
            var jobDirectory = JobFolder.Of(folder, id);
            if (!Directory.Exists(jobDirectory))
            {
                throw new UsageException($"There is no job {id} in {folder}: check --job-id and --work-dir (mongomigrate jobs lists them).");
            }

            var request = JsonSerializer.Serialize(new { blockWrites = parse.GetValue(blockWrites), timeoutSeconds = parse.GetValue(timeout) });
            var answer = await AskAsync(jobDirectory, id, folder, request, cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(answer);
            var cutOver = document.RootElement.GetProperty("cutOver").GetBoolean();
            if (parse.GetValue(json))
            {
                await environment.Output.WriteLineAsync(answer).ConfigureAwait(false);
            }
            else
            {
                var message = document.RootElement.GetProperty("message").GetString() ?? string.Empty;
                await environment.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Job {id}: {message}")).ConfigureAwait(false);
            }

            return cutOver ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    private static async Task<string> AskAsync(string jobDirectory, string id, string folder, string request, CancellationToken cancellationToken)
    {
        using var socket = CutoverChannel.NewSocket();
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(CutoverChannel.EndpointOf(jobDirectory)), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            throw new Engine.MigrationException(
                $"No migrate --online or sync-back process is running job {id} in {folder}: cutover asks the running job. Start it again with mongomigrate migrate --resume --job-id {id} --work-dir {folder} (or, after its cutover, mongomigrate sync-back --job-id {id} --work-dir {folder}), with its --source and --target, then ask again.");
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream);
        await using var writer = new StreamWriter(stream) { AutoFlush = true };
        await writer.WriteLineAsync(request.AsMemory(), cancellationToken).ConfigureAwait(false);
        return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new Engine.MigrationException($"The migrate process of job {id} ended before it answered the cutover request; see mongomigrate jobs --work-dir {folder}.");
    }
}
