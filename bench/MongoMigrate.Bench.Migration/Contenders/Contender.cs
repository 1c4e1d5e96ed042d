namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>One way of moving the dataset, run as one or more child processes whose costs add up.</summary>
public sealed record Contender
{
    /// <summary>The label of the contenders run with the baseline build (<see cref="BenchOptions.BaselinePath"/>): NAME@baseline.</summary>
    public const string BaselineLabel = "baseline";

    public required string Name { get; init; }

    /// <summary>One line for the table's legend.</summary>
    public required string Description { get; init; }

    /// <summary>False for the read limit, which only drains the source.</summary>
    public bool WritesTarget { get; init; } = true;

    /// <summary>What the target holds when the contender starts: nothing, or a copy of the source (for verifying and reading both sides).</summary>
    public TargetContent TargetBefore { get; init; } = TargetContent.Empty;

    /// <summary>True when the CLI prints a `verify --json` report, which must say the target equals the source.</summary>
    public bool PrintsVerifyReport { get; init; }

    /// <summary>A mongomigrate command the contender needs (e.g. "dump"); it is reported as not available without it.</summary>
    public string? RequiresCommand { get; init; }

    /// <summary>True when the CLI prints a --json summary whose status must be "completed".</summary>
    public bool PrintsMigrationSummary { get; init; }

    /// <summary>True when the steps run the measured tool (<see cref="ContenderContext.CliDll"/>), so another build can run them too.</summary>
    public bool RunsTool { get; init; }

    public required Func<ContenderContext, IReadOnlyList<ProcessStep>> Steps { get; init; }

    /// <summary>A client that runs beside the steps (a dashboard page, say) until they end, and says what it did.</summary>
    public Func<ContenderContext, CancellationToken, Task<BesideReport>>? Beside { get; init; }

    /// <summary>
    /// True when the client beside drives the run to its end (an online migration's cutover): after the steps the
    /// session waits for it rather than stopping it (it is stopped only when a step failed).
    /// </summary>
    public bool BesideEndsRun { get; init; }

    /// <summary>
    /// True when the run writes to the source (a write load beside an online migration): the target is checked
    /// against the source's count afterwards, and the source is loaded again before the next contender.
    /// </summary>
    public bool ChangesSource { get; init; }

    /// <summary>
    /// This contender with another build of the tool, named NAME@<paramref name="label"/>; <paramref name="migrateArguments"/>
    /// change its migrate commands: an option it has already takes the new value, others are added (other commands run as they are).
    /// </summary>
    public Contender WithBuild(string label, string cliDll, IReadOnlyList<string> migrateArguments)
    {
        var steps = Steps;
        var settings = migrateArguments.Count == 0 ? string.Empty : $", migrate given {string.Join(' ', migrateArguments)}";
        return this with
        {
            Name = $"{Name}@{label}",
            Description = $"{Description}; the build {cliDll}{settings}",
            Steps = context => [.. steps(context with { CliDll = cliDll }).Select(step => step.Arguments is [_, "migrate", ..] ? step with { Arguments = Override(step.Arguments, migrateArguments) } : step)],
        };
    }

    /// <summary>The arguments with <paramref name="changes"/> applied: an option given again takes the new value, others are added.</summary>
    private static List<string> Override(IReadOnlyList<string> arguments, IReadOnlyList<string> changes)
    {
        var result = arguments.ToList();
        for (var i = 0; i < changes.Count; i++)
        {
            var hasValue = i + 1 < changes.Count && !changes[i + 1].StartsWith("--", StringComparison.Ordinal);
            var at = result.IndexOf(changes[i]);
            if (at >= 0 && hasValue && at + 1 < result.Count)
            {
                result[at + 1] = changes[++i];
            }
            else
            {
                result.Add(changes[i]);
                if (hasValue)
                {
                    result.Add(changes[++i]);
                }
            }
        }

        return result;
    }
}

/// <summary>One child process: dotnet and its arguments.</summary>
public sealed record ProcessStep(string FileName, IReadOnlyList<string> Arguments);

/// <summary>Where a contender finds the servers, the programs and the scratch space of its run.</summary>
public sealed record ContenderContext(string CliDll, string HarnessDll, string Source, string Target, string WorkDirectory, string BatchFile);
