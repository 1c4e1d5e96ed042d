using System.Globalization;
using MongoMigrate.Bench.Migration.Data;
using MongoMigrate.Bench.Migration.Scenarios;
using MongoMigrate.Datasets;

namespace MongoMigrate.Bench.Migration;

/// <summary>What one harness run measures: the dataset, how often, which extra scaling runs, where results go.</summary>
public sealed record BenchOptions
{
    public const string Usage =
        "usage: dotnet run -c Release --project bench/MongoMigrate.Bench.Migration -- [--docs N] [--size BYTES] [--collections N]\n"
        + "         [--ids objectid|int64|string|uuid|mixed] [--repeat N] [--workers N] [--scaling] [--quick]\n"
        + "         [--only NAME,NAME...] [--scenarios NAME,NAME...] [--out DIR] [--publish | --cli PATH/mongomigrate.dll] [--wrap 'perf record -g -o /tmp/{name}.data --']\n"
        + "         [--baseline PATH/mongomigrate.dll [--baseline-args 'ARGS']] [--servers PATH/mongomigrate.dll]\n"
        + "         [--write-rate OPS] [--follow-seconds S]   (the online scenario's write load and following time)\n"
        + "       ... -- --report bench/results/migration-DATE.json   (reprints a result file's tables and targets)";

    /// <summary>Documents in the main dataset, spread evenly over the collections.</summary>
    public long Documents { get; init; } = 500_000;

    /// <summary>Average document size in bytes (a padded body).</summary>
    public int DocumentSize { get; init; } = 1024;

    public int Collections { get; init; } = 10;

    public IdKind Ids { get; init; } = IdKind.ObjectId;

    /// <summary>Rounds over all contenders; each round starts at a different contender.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Parallel cursors and insert streams of the limits, and the engine's dump and restore workers.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Adds the scaling runs: workers 1/2/4/8, few against many collections, small against large datasets.</summary>
    public bool Scaling { get; init; }

    /// <summary>Small datasets and one round: checks the harness works, not for publishing.</summary>
    public bool Quick { get; init; }

    /// <summary>Only these contenders (names as in the table); all when empty.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>
    /// Only these scenarios (main, workers, collections-few, collections-many, documents-small, documents-large, dashboard);
    /// all that the other options ask for when empty. Naming a scaling scenario implies --scaling.
    /// </summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    /// <summary>Operations a second the online scenario writes to the source while it migrates (inserts, updates, replaces, deletes).</summary>
    public int WriteRate { get; init; } = 2000;

    /// <summary>How long the online scenario follows the source once caught up, before it asks for the cutover.</summary>
    public TimeSpan Follow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the JSON and Markdown results are written; bench/results of the repository by default.</summary>
    public string? ResultsDirectory { get; init; }

    /// <summary>The mongomigrate.dll to run; the one built beside the harness by default.</summary>
    public string? CliPath { get; init; }

    /// <summary>
    /// Another build of the tool (say, before a change) run beside <see cref="CliPath"/>: each of its contenders runs again
    /// with this build, named NAME@baseline, in the same rounds against the same servers, and the report gives each
    /// round's ratio. Two separate runs differ by their servers, their load and their hour; this does not.
    /// </summary>
    public string? BaselinePath { get; init; }

    /// <summary>Arguments added to the baseline's migrate commands, to compare settings of one build (e.g. "--restore-workers 8").</summary>
    public IReadOnlyList<string> BaselineArguments { get; init; } = [];

    /// <summary>
    /// The build whose sandbox serves the source and the target; the measured tool's by default. Fixing it keeps the
    /// servers' own changes out of a before/after comparison of the tool.
    /// </summary>
    public string? ServersPath { get; init; }

    /// <summary>Publishes the CLI as README says (self-contained, compiled ahead of time) and measures that.</summary>
    public bool Publish { get; init; }

    /// <summary>
    /// A command put in front of every contender process, for profiling (e.g. <c>perf record -g -o /tmp/{name}.data --</c>;
    /// {name} becomes the contender's name). It costs CPU of its own: never for published figures.
    /// </summary>
    public string? Wrap { get; init; }

    /// <summary>A result file to read and print again (tables and targets) instead of measuring.</summary>
    public string? ReportFile { get; init; }

    /// <summary>The arguments as given, recorded with the results so that a run can be reproduced.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>The options for <paramref name="args"/>; throws ArgumentException with a readable message on bad input.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions { CommandLine = [.. args] };
        var explicitDocs = false;
        var explicitRepeat = false;
        var explicitFollow = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--docs":
                    options = options with { Documents = PositiveLong(name, Next()) };
                    explicitDocs = true;
                    break;
                case "--size":
                    options = options with { DocumentSize = (int)Math.Clamp(PositiveLong(name, Next()), 64, 16 * 1024 * 1024 - 1024) };
                    break;
                case "--collections":
                    options = options with { Collections = (int)Math.Min(PositiveLong(name, Next()), 100_000) };
                    break;
                case "--ids":
                    options = options with { Ids = ParseIds(Next()) };
                    break;
                case "--repeat":
                    options = options with { Repeat = (int)Math.Min(PositiveLong(name, Next()), 100) };
                    explicitRepeat = true;
                    break;
                case "--workers":
                    options = options with { Workers = (int)Math.Min(PositiveLong(name, Next()), 256) };
                    break;
                case "--write-rate":
                    options = options with { WriteRate = (int)Math.Min(PositiveLong(name, Next()), 1_000_000) };
                    break;
                case "--follow-seconds":
                    options = options with { Follow = TimeSpan.FromSeconds(Math.Min(PositiveLong(name, Next()), 86_400)) };
                    explicitFollow = true;
                    break;
                case "--scaling":
                    options = options with { Scaling = true };
                    break;
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--only":
                    options = options with { Only = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] };
                    break;
                case "--scenarios":
                    options = options with { Scenarios = ParseScenarios(name, Next()) };
                    break;
                case "--out":
                    options = options with { ResultsDirectory = Next() };
                    break;
                case "--report":
                    options = options with { ReportFile = Next() };
                    break;
                case "--wrap":
                    options = options with { Wrap = Next() };
                    break;
                case "--cli":
                    options = options with { CliPath = Next() };
                    break;
                case "--baseline":
                    options = options with { BaselinePath = Next() };
                    break;
                case "--baseline-args":
                    options = options with { BaselineArguments = Next().Split(' ', StringSplitOptions.RemoveEmptyEntries) };
                    break;
                case "--servers":
                    options = options with { ServersPath = Next() };
                    break;
                case "--publish":
                    options = options with { Publish = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }

        if (options.Publish && options.CliPath is not null)
        {
            throw new ArgumentException("--publish and --cli both name the tool to measure; give one of them.");
        }

        if (options.BaselineArguments.Count > 0 && options.BaselinePath is null)
        {
            throw new ArgumentException("--baseline-args needs --baseline PATH/mongomigrate.dll (the same build as --cli compares settings).");
        }

        if (options.Quick)
        {
            options = options with
            {
                Documents = explicitDocs ? options.Documents : 20_000,
                Repeat = explicitRepeat ? options.Repeat : 1,
                Follow = explicitFollow ? options.Follow : TimeSpan.FromSeconds(5),
            };
        }

        return options;
    }

    /// <summary>The dataset of the main run.</summary>
    public DatasetShape MainDataset => new(Documents, Collections, DocumentSize, Ids);

    public static IdKind ParseIds(string text) => text.ToLowerInvariant() switch
    {
        "objectid" => IdKind.ObjectId,
        "int64" => IdKind.Int64,
        "string" => IdKind.String,
        "uuid" => IdKind.Uuid,
        "mixed" => IdKind.Mixed,
        _ => throw new ArgumentException($"--ids must be objectid, int64, string, uuid or mixed, not '{text}'."),
    };

    private static string[] ParseScenarios(string name, string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !ScenarioPlan.Names.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        return unknown.Count == 0 && names.Length > 0
            ? names
            : throw new ArgumentException($"{name} takes names from {string.Join(", ", ScenarioPlan.Names)}, not '{text}'.");
    }

    private static long PositiveLong(string name, string text) =>
        long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive whole number, not '{text}'.");
}
