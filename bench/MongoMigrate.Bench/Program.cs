using BenchmarkDotNet.Running;
using MongoMigrate.Bench.Dumps;

// `dump-throughput` runs the dump/restore MB/s comparison (a plain program: each round needs fresh servers);
// anything else runs the BenchmarkDotNet benchmarks chosen on the command line, e.g.
// `dotnet run -c Release --project bench/MongoMigrate.Bench -- --filter '*WorkerPool*'`.
if (args.Length > 0 && args[0] == "dump-throughput")
{
    return await DumpRestoreThroughput.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
