using System.CommandLine;
using MongoMigrate.Cli.Output;

namespace MongoMigrate.Cli.Commands;

/// <summary>Options several commands share, with the same names and meaning everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Include() => new("--include") { Description = "Namespace to take: db.coll, db.*, *.coll (repeatable).", AllowMultipleArgumentsPerToken = false };

    public static Option<string[]> Exclude() => new("--exclude") { Description = "Namespace to leave out (repeatable).", AllowMultipleArgumentsPerToken = false };

    public static Option<string[]> From() => new("--from") { Description = "Rename: source namespace pattern, paired in order with --to (repeatable)." };

    public static Option<string[]> To() => new("--to") { Description = "Rename: target namespace pattern for the --from at the same position." };

    public static Option<bool> Json() => new("--json") { Description = "Print one machine-readable JSON summary object at the end, nothing else on stdout." };

    public static Option<bool> Verbose() => new("--verbose") { Description = "Log in detail and show stack traces of errors." };

    /// <summary>Pairs --from and --to; a mismatch is a usage error.</summary>
    public static IReadOnlyList<(string From, string To)> Renames(string[]? from, string[]? to)
    {
        from ??= [];
        to ??= [];
        if (from.Length != to.Length)
        {
            throw new UsageException($"--from was given {from.Length} time(s) but --to {to.Length}: give them in pairs.");
        }

        return from.Zip(to).ToList();
    }

    public static long Size(string? text, string option, long fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        return SizeParser.TryParse(text, out var bytes) ? bytes : throw new UsageException($"{option} '{text}' is not a size: use e.g. 64MB, 1GB or a number of bytes.");
    }
}
