using System.CommandLine;
using MongoMigrate.Cli.Output;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Namespaces;

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

    public static Option<bool> Adaptive() => new("--adaptive") { Description = "Let the worker counts follow the measured throughput (between 1 and four times the given counts); +/- still work." };

    public static Option<string> StuckAfter() => new("--stuck-after") { Description = "A worker with no progress for this long (e.g. 90s, 15m; 'off' for never) is cancelled and its chunk retried. 15m by default." };

    /// <summary>--dashboard, --port, --listen and --token-file: serve the running job on the web.</summary>
    public static DashboardOptionSet Dashboard() => new();

    /// <summary>Applies --stuck-after to the process's worker pools; call before the job is created.</summary>
    public static void UseStuckAfter(CliEnvironment environment, string? text)
    {
        if (text is null)
        {
            return;
        }

        if (!DurationParser.TryParse(text, out var duration))
        {
            throw new UsageException($"--stuck-after '{text}' is not a duration: use e.g. 90s, 15m, 1h, or off.");
        }

        environment.StuckWorkerTimeout = duration;
    }

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

    /// <summary>The include, exclude and rename patterns; a pattern that can never work is a usage error.</summary>
    public static NamespaceSelection Selection(string[]? include, string[]? exclude, IReadOnlyList<(string From, string To)> renames)
    {
        try
        {
            return new NamespaceSelection(include ?? [], exclude ?? [], renames);
        }
        catch (MigrationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>
    /// A file or folder option: a MongoDB URI given there (a slip of the option name) is refused before anything
    /// is created under a name that holds its password.
    /// </summary>
    public static string? Path(string? value, string option)
    {
        if (value is not null && (value.Contains("://", StringComparison.Ordinal) || SecretRedactor.PasswordOf(value) is not null && value.Contains('@', StringComparison.Ordinal) && !File.Exists(value) && !Directory.Exists(value)))
        {
            throw new UsageException($"{option} was given '{SecretRedactor.RedactUri(value)}', which looks like a MongoDB URI rather than a path: URIs go to --source or --target.");
        }

        return value;
    }
}
