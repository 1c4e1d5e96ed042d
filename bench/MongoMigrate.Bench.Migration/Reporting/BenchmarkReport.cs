using System.Text.Json;
using System.Text.Json.Serialization;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>Everything one harness run measured, as written to bench/results/*.json.</summary>
public sealed record BenchmarkReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required DateTimeOffset Date { get; init; }

    public required MachineInfo Machine { get; init; }

    /// <summary>The command that reproduces the run.</summary>
    public required string Command { get; init; }

    /// <summary>How the children's CPU and peak memory were taken ("rusage" or "polling").</summary>
    public required string Measurement { get; init; }

    /// <summary>False when the harness and CLI were Debug builds: such figures are for smoke tests only.</summary>
    public required bool OptimizedBuild { get; init; }

    public required double LoadAverageBefore { get; init; }

    public required double LoadAverageAfter { get; init; }

    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }

    public required IReadOnlyList<TargetCheck> Targets { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BenchmarkReport FromJson(string json) =>
        JsonSerializer.Deserialize<BenchmarkReport>(json, Json) ?? throw new JsonException("The report is empty.");
}
