namespace MongoMigrate.Cli.Tests;

/// <summary>Two `mongomigrate sandbox` processes running as one-member replica sets (change streams need one); each test fills its own database.</summary>
public sealed class OnlineTestServers() : SandboxServers("rs0");
