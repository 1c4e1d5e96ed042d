using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Connections;

/// <summary>Who a deployment is, told by its servers: the same for every spelling of a URI that reaches it, different for another one.</summary>
public sealed class DeploymentIdentityTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_servers_are_two_deployments_even_with_the_same_replica_set_name()
    {
        await using var first = await SandboxServer.StartAsync(cancellationToken: Ct);
        await using var second = await SandboxServer.StartAsync(cancellationToken: Ct);

        var a = await IdentityAsync(first.ConnectionString);
        var b = await IdentityAsync(second.ConnectionString);

        Assert.Equal(("rs0", "rs0"), (a.SetName, b.SetName));
        Assert.Null(a.SameDeploymentAs(b));
        Assert.Null(b.SameDeploymentAs(a));
    }

    [Theory]
    [InlineData("mongodb://127.0.0.1:{0}/", "mongodb://localhost:{0}/")]
    [InlineData("mongodb://127.0.0.1:{0}/?replicaSet=rs0", "mongodb://localhost:{0}/?directConnection=true")]
    [InlineData("mongodb://localhost:{0},127.0.0.1:{0}/?replicaSet=rs0", "mongodb://127.0.0.1:{0},localhost:{0}/")]
    public async Task One_server_reached_through_two_spellings_is_one_deployment(string first, string second)
    {
        var sandbox = server.RequireSandbox();

        var a = await IdentityAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, first, sandbox.Port));
        var b = await IdentityAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, second, sandbox.Port));

        Assert.Equal(sandbox.ProcessId.ToString(), a.ProcessId);
        Assert.Contains(sandbox.ProcessId.ToString(), a.SameDeploymentAs(b), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_standalone_reached_through_two_spellings_is_one_deployment()
    {
        await using var standalone = await SandboxServer.StartAsync(new SandboxOptions { ReplicaSetName = null }, Ct);

        var a = await IdentityAsync($"mongodb://127.0.0.1:{standalone.Port}/");
        var b = await IdentityAsync($"mongodb://localhost:{standalone.Port}/?directConnection=true");

        Assert.Equal("standalone", a.Kind);
        Assert.NotNull(a.SameDeploymentAs(b));
    }

    [Fact]
    public async Task A_server_started_again_is_still_the_same_replica_set()
    {
        // Another process on the same address with the same set name: its processId is new, its set is the same.
        var a = new DeploymentIdentity { ProcessId = "a", SetName = "rs0", Hosts = ["db1:27017", "db2:27017"], Kind = "replica set" };
        var b = new DeploymentIdentity { ProcessId = "b", SetName = "rs0", Hosts = ["db2:27017", "db3:27017"], Kind = "replica set" };
        var c = new DeploymentIdentity { ProcessId = "c", ClusterId = "k", Kind = "sharded cluster" };
        var d = new DeploymentIdentity { ProcessId = "d", ClusterId = "k", Kind = "sharded cluster" };

        Assert.Contains("replica set rs0 (member db2:27017)", a.SameDeploymentAs(b), StringComparison.Ordinal);

        // Two sets that look alike by name and members, told apart by their ids.
        Assert.Null((a with { ReplicaSetId = "x" }).SameDeploymentAs(b with { ReplicaSetId = "y" }));
        Assert.Contains("replicaSetId x", (a with { ReplicaSetId = "x" }).SameDeploymentAs(b with { ReplicaSetId = "x" }), StringComparison.Ordinal);
        Assert.Contains("clusterId k", c.SameDeploymentAs(d), StringComparison.Ordinal);
        Assert.Null(a.SameDeploymentAs(c));
    }

    [Fact]
    public async Task The_identity_travels_with_a_dump_as_json()
    {
        var identity = await IdentityAsync(server.ConnectionString);

        var back = DeploymentIdentity.FromJson(identity.ToJson());

        Assert.NotNull(back);
        Assert.NotNull(identity.SameDeploymentAs(back));
        Assert.Null(DeploymentIdentity.FromJson("not json"));
        Assert.Null(DeploymentIdentity.FromJson(null));
    }

    [Fact]
    public void Writing_into_a_namespace_that_is_read_in_one_deployment_is_refused_with_one_line()
    {
        NamespaceName[] read = [new("app", "a"), new("app", "b")];

        // A rename to names not read is fine; the same names, or a read one as a target, are not.
        SameDeploymentRule.Check("the same server process", "mongodb://s/", "mongodb://t/", [new("copy", "a"), new("copy", "b")], read, drop: true, "Do something else.");
        SameDeploymentRule.Check(null, "mongodb://s/", "mongodb://t/", read, read, drop: true, "Do something else.");
        var error = Assert.Throws<MigrationException>(() => SameDeploymentRule.Check("the same server process", "mongodb://s/", "mongodb://t/", [new("app", "b"), new("copy", "a")], read, drop: false, "Do something else."));

        Assert.Equal(
            "The source mongodb://s/ and the target mongodb://t/ are one deployment, the same server process: writing into app.b would destroy what is being read. Do something else.",
            error.Message);
    }

    private static async Task<DeploymentIdentity> IdentityAsync(string uri)
    {
        using var client = new MongoClient(uri);
        return await DeploymentIdentity.ReadAsync(client, Ct);
    }
}
