namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>What the harness passes to itself when it runs an in-process contender as a child: <c>--contender NAME --source URI ...</c>.</summary>
public sealed record ChildArguments(string Contender, string Source, string Target, int Workers, string? BatchFile)
{
    public const string Flag = "--contender";

    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { Flag, Contender, "--source", Source, "--target", Target, "--workers", Workers.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (BatchFile is not null)
        {
            args.AddRange(["--batches", BatchFile]);
        }

        return args;
    }

    public static ChildArguments Parse(IReadOnlyList<string> args)
    {
        string? contender = null, source = null, target = null, batches = null;
        var workers = 4;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case Flag: contender = value; break;
                case "--source": source = value; break;
                case "--target": target = value; break;
                case "--batches": batches = value; break;
                case "--workers": workers = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown contender argument '{args[i]}'.");
            }
        }

        return new ChildArguments(
            contender ?? throw new ArgumentException("--contender needs a name."),
            source ?? throw new ArgumentException("--source is required."),
            target ?? throw new ArgumentException("--target is required."),
            workers,
            batches);
    }
}
