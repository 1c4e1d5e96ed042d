namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// The harness run as a child process for one in-process contender (read limit, write limit, hand-written
/// copy), so that its CPU and peak memory are measured exactly as the CLI's are: a process of its own.
/// </summary>
public static class ChildContender
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var arguments = ChildArguments.Parse(args);
        var result = arguments.Contender switch
        {
            ReadLimit.Name => await ReadLimit.RunAsync(arguments, cancellationToken).ConfigureAwait(false),
            ReadBothLimit.Name => await ReadBothLimit.RunAsync(arguments, cancellationToken).ConfigureAwait(false),
            WriteLimit.Name => await WriteLimit.RunAsync(arguments, cancellationToken).ConfigureAwait(false),
            HandWrittenCopy.Name => await HandWrittenCopy.RunAsync(arguments, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"No in-process contender is called '{arguments.Contender}'."),
        };
        await output.WriteLineAsync(result.ToJson()).ConfigureAwait(false);
        return 0;
    }
}
