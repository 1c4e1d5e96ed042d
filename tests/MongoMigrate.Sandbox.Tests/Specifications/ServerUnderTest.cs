using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>What runOnRequirements are checked against: the version and topology the server reports about itself.</summary>
public sealed class ServerUnderTest(
    VersionNumber version,
    string topology,
    bool isSandbox,
    bool authEnabled = false,
    bool serverless = false,
    Func<string, CancellationToken, Task<BsonValue?>>? getParameter = null)
{
    public VersionNumber Version { get; } = version;

    /// <summary>single, replicaset, sharded or load-balanced.</summary>
    public string Topology { get; } = topology;

    public bool IsSandbox { get; } = isSandbox;

    public bool AuthEnabled { get; } = authEnabled;

    /// <summary>Atlas Serverless cannot be detected from the server; MONGOMIGRATE_TEST_SERVERLESS=1 says so.</summary>
    public bool Serverless { get; } = serverless;

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

        async Task<BsonValue?> GetParameterAsync(string name, CancellationToken ct)
        {
            try
            {
                var reply = await admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "getParameter", 1 }, { name, 1 } }, cancellationToken: ct);
                return reply.GetValue(name, null);
            }
            catch (MongoCommandException)
            {
                return null;
            }
        }

        var serverless = Environment.GetEnvironmentVariable("MONGOMIGRATE_TEST_SERVERLESS") is "1" or "true";
        return new ServerUnderTest(version, topology, isSandbox, client.Settings.Credential is not null, serverless, GetParameterAsync);
    }

    /// <summary>A server parameter's value, or null when the server does not have it (or lacks getParameter).</summary>
    public Task<BsonValue?> GetParameterAsync(string name, CancellationToken cancellationToken) =>
        getParameter is null ? Task.FromResult<BsonValue?>(null) : getParameter(name, cancellationToken);

    public override string ToString() => $"{(IsSandbox ? "sandbox" : "server")} {Version} ({Topology}{(AuthEnabled ? ", auth" : string.Empty)})";
}
