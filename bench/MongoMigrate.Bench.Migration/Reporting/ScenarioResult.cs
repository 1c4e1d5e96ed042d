using MongoMigrate.Bench.Migration.Data;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>One dataset and the contenders measured on it, alternating, in one run.</summary>
public sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required string Title { get; init; }

    public required DatasetShape Dataset { get; init; }

    public required DatasetTotals Totals { get; init; }

    public required int Rounds { get; init; }

    public required IReadOnlyList<ContenderResult> Contenders { get; init; }

    public ContenderResult? Find(string name) => Contenders.FirstOrDefault(c => c.Name == name);
}
