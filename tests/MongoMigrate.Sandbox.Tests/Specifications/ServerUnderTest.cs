using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>What runOnRequirements are checked against: the version and topology the server reports about itself.</summary>
public sealed class ServerUnderTest
{
    private readonly IMongoClient _client;

    private ServerUnderTest(IMongoClient client, VersionNumber version, string topology, bool isSandbox)
    {
        _client = client;
        Version = version;
        Topology = topology;
        IsSandbox = isSandbox;
        AuthEnabled = client.Settings.Credential is not null;
        Serverless = Environment.GetEnvironmentVariable("MONGOMIGRATE_TEST_SERVERLESS") is "1" or "true";
    }

    public VersionNumber Version { get; }

    /// <summary>single, replicaset, sharded or load-balanced.</summary>
    public string Topology { get; }

    public bool IsSandbox { get; }

    public bool AuthEnabled { get; }

    public bool Serverless { get; }

    /// <summary>Asks the server (buildInfo versionArray, hello) through the runner's internal client.</summary>
    public static async Task<ServerUnderTest> DescribeAsync(IMongoClient client, bool isSandbox, CancellationToken cancellationToken)
    {
        var admin = client.GetDatabase("admin");
        var buildInfo = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1), cancellationToken: cancellationToken);
        var version = buildInfo.TryGetValue("versionArray", out var array) && array.IsBsonArray && array.AsBsonArray.Count >= 3
            ? new VersionNumber(array[0].ToInt32(), array[1].ToInt32(), array[2].ToInt32())
            : VersionNumber.Parse(buildInfo["version"].AsString);

        var hello = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
        var topology = hello.Contains("serviceId") ? "load-balanced"
            : hello.GetValue("msg", BsonNull.Value) == "isdbgrid" ? "sharded"
            : hello.Contains("setName") ? "replicaset"
            : "single";

        return new ServerUnderTest(client, version, topology, isSandbox);
    }

    /// <summary>A server parameter's value, or null when the server does not have it (or lacks getParameter).</summary>
    public async Task<BsonValue?> GetParameterAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
                new BsonDocument { { "getParameter", 1 }, { name, 1 } }, cancellationToken: cancellationToken);
            return reply.GetValue(name, null);
        }
        catch (MongoCommandException)
        {
            return null;
        }
    }

    public override string ToString() => $"{(IsSandbox ? "sandbox" : "server")} {Version} ({Topology}{(AuthEnabled ? ", auth" : string.Empty)})";
}
