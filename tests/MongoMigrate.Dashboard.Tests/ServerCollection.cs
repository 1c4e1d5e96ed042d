using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests;

/// <summary>The dashboard tests share one test server; each test migrates its own databases.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<MongoServerFixture>
{
    public const string Name = "dashboard server";
}
