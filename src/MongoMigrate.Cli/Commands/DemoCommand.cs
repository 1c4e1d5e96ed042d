using System.CommandLine;
using System.Diagnostics;
using MongoDB.Driver;
using MongoMigrate.Cli.Output;
using MongoMigrate.Cli.Running;
using MongoMigrate.Datasets;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Cli.Commands;

/// <summary>
/// `mongomigrate demo`: two embedded servers, a realistic dataset on one, a migration with live progress
/// to the other, and the proof that every document arrived byte for byte. Nothing to install.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var docs = new Option<long>("--docs") { Description = "Documents to generate in all.", DefaultValueFactory = _ => 200_000 };
        var collections = new Option<int>("--collections") { Description = "Collections to generate.", DefaultValueFactory = _ => 5 };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Keep both servers running afterwards (Ctrl+C ends), to look at them with mongosh." };
        var method = new Option<string>("--method") { Description = "dump-restore or direct.", DefaultValueFactory = _ => "dump-restore" };
        method.AcceptOnlyFromAmong("dump-restore", "direct");
        var workDir = new Option<string>("--work-dir") { Description = "Folder for the demo job's files (a temporary folder by default)." };
        var chunkSize = new Option<string>("--chunk-size") { Description = "Chunk size (4MB by default, so the demo shows many chunks)." };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("demo", "Migrate a generated dataset between two embedded servers, with live progress and a proof of equality.")
        {
            docs, collections, keepRunning, method, workDir, chunkSize, json, verbose,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(environment, parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var documents = parse.GetValue(docs);
            var collectionCount = parse.GetValue(collections);
            if (documents < 1 || collectionCount < 1)
            {
                throw new UsageException("--docs and --collections must be at least 1.");
            }

            var givenWorkDir = CommonOptions.Path(parse.GetValue(workDir), "--work-dir");
            if (givenWorkDir is not null)
            {
                WorkDirectoryCheck.Ensure(givenWorkDir, null);
            }

            var work = givenWorkDir ?? Path.Combine(Path.GetTempPath(), "mongomigrate-demo-" + Environment.ProcessId);
            var options = new MigrationOptions
            {
                Method = parse.GetValue(method) == "direct" ? CopyMethod.Direct : CopyMethod.DumpRestore,
                WorkDirectory = work,
                ChunkSizeBytes = CommonOptions.Size(parse.GetValue(chunkSize), "--chunk-size", 4L * 1024 * 1024),
                DumpWorkers = 4,
                RestoreWorkers = 4,
            };
            try
            {
                options.Validate();
            }
            catch (MigrationException e)
            {
                throw new UsageException(e.Message);
            }

            var quiet = parse.GetValue(json);
            var say = quiet ? TextWriter.Null : environment.Output;
            await using var source = await SandboxServer.StartAsync(new SandboxOptions(), cancellationToken).ConfigureAwait(false);
            await using var target = await SandboxServer.StartAsync(new SandboxOptions(), cancellationToken).ConfigureAwait(false);
            await say.WriteLineAsync($"Source: embedded server at {source.ConnectionString}").ConfigureAwait(false);
            await say.WriteLineAsync($"Target: embedded server at {target.ConnectionString}").ConfigureAwait(false);

            var specs = DemoDataset.Create(documents, collectionCount);
            await say.WriteLineAsync($"Generating {ProgressText.Number(specs.Sum(s => s.Documents))} documents in {specs.Count} collections of database '{DemoDataset.Database}'...").ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            using (var client = new MongoClient(source.ConnectionString))
            {
                await new DatasetWriter(client).WriteAllAsync(DemoDataset.Database, specs, seed: 42, progress: null, cancellationToken).ConfigureAwait(false);
            }

            await say.WriteLineAsync($"Generated in {watch.Elapsed.TotalSeconds:0.0} s. Migrating...").ConfigureAwait(false);
            var exitCode = await MigrateCommand.RunAsync(
                environment,
                MongoEndpoint.Parse("source", source.ConnectionString),
                MongoEndpoint.Parse("target", target.ConnectionString),
                options,
                quiet,
                parse.GetValue(verbose),
                cancellationToken).ConfigureAwait(false);
            if (exitCode == ExitCodes.Success && !quiet)
            {
                await say.WriteLineAsync("Proof: every collection was read back from both servers in _id order and every document's bytes compared: all identical.").ConfigureAwait(false);
            }

            if (givenWorkDir is null && Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            if (parse.GetValue(keepRunning))
            {
                await say.WriteLineAsync($"Both servers keep running: source {source.ConnectionString}, target {target.ConnectionString}. Ctrl+C to end.").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return exitCode;
        }));
        return command;
    }
}
