using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g. `dotnet run -c Release --project bench/MongoMigrate.Bench -- --filter '*WorkerPool*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
