using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Data;

namespace MongoMigrate.Bench.Migration.Scenarios;

/// <summary>A dataset and the contenders to measure on it, alternating over the given number of rounds.</summary>
public sealed record Scenario(string Name, string Title, DatasetShape Dataset, IReadOnlyList<Contender> Contenders, int Rounds);
