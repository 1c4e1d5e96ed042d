using MongoMigrate.Bench.Migration;
using MongoMigrate.Bench.Migration.Contenders;

// `--contender NAME ...` is the harness running one of its own contenders as a child process.
if (args.Length > 0 && args[0] == ChildArguments.Flag)
{
    return await ChildContender.RunAsync(args, Console.Out, CancellationToken.None);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

if (options.ReportFile is { } file)
{
    await MigrationBenchmark.ReprintAsync(file, Console.Out, stop.Token);
    return 0;
}

var (report, _) = await MigrationBenchmark.RunAsync(options, Console.Out, stop.Token);
return report.Scenarios.SelectMany(s => s.Contenders).SelectMany(c => c.Samples).Any(s => s.Error is not null) ? 1 : 0;
