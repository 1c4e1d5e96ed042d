using System.Text.Json;
using System.Text.Json.Serialization;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Engine.Connections;

/// <summary>
/// Who a deployment is, as the servers themselves say it, whatever the URI that reached them: the process id of the
/// server answering (hello's topologyVersion.processId, new at each start of a process), the replica set's name and
/// members as its configuration spells them, and a sharded cluster's id. Two URIs spelled differently (127.0.0.1 and
/// localhost, seed lists in another order, a set's URI and a direct connection to one member) reach the same deployment
/// when <see cref="SameDeploymentAs"/> says so.
/// </summary>
public sealed record DeploymentIdentity
{
    /// <summary>topologyVersion.processId of the server that answered; null for servers older than 4.4.</summary>
    public string? ProcessId { get; init; }

    /// <summary>The replica set's name, for a member of one.</summary>
    public string? SetName { get; init; }

    /// <summary>The set's members (hosts, passives, arbiters) as its configuration names them, in lower case.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>
    /// The replica set's id (replSetGetConfig's settings.replicaSetId, made when the set was initiated), when the user
    /// may read it: two sets of the same name and member names (each "rs0" on "localhost:27017" behind a tunnel) differ by it.
    /// </summary>
    public string? ReplicaSetId { get; init; }

    /// <summary>The cluster id of a sharded cluster, read through a mongos.</summary>
    public string? ClusterId { get; init; }

    /// <summary>"standalone", "replica set" or "sharded cluster".</summary>
    public string Kind { get; init; } = "standalone";

    /// <summary>True when nothing identifies the deployment (an old server): no comparison is possible.</summary>
    [JsonIgnore]
    public bool IsUnknown => ProcessId is null && SetName is null && ClusterId is null;

    /// <summary>Asks the deployment behind <paramref name="client"/> who it is: hello, and the cluster id where there is one.</summary>
    public static Task<DeploymentIdentity> ReadAsync(IMongoClient client, CancellationToken cancellationToken) =>
        DroppedConnections.RetryAsync(token => ReadOnceAsync(client, token), cancellationToken);

    private static async Task<DeploymentIdentity> ReadOnceAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        var admin = client.GetDatabase("admin");
        var hello = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
        var isMongos = hello.TryGetValue("msg", out var msg) && msg is BsonString { Value: "isdbgrid" };
        string? processId = hello.TryGetValue("topologyVersion", out var version) && version is BsonDocument v && v.TryGetValue("processId", out var p) && p is BsonObjectId id
            ? id.Value.ToString()
            : null;
        string? setName = hello.TryGetValue("setName", out var set) && set is BsonString name ? name.Value : null;
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "hosts", "passives", "arbiters" })
        {
            if (hello.TryGetValue(field, out var list) && list is BsonArray array)
            {
                foreach (var host in array.OfType<BsonString>())
                {
                    hosts.Add(host.Value.ToLowerInvariant());
                }
            }
        }

        var clusterId = isMongos ? await ReadClusterIdAsync(client.GetDatabase("config"), cancellationToken).ConfigureAwait(false) : null;
        var replicaSetId = setName is not null ? await ReadReplicaSetIdAsync(admin, cancellationToken).ConfigureAwait(false) : null;
        return new DeploymentIdentity
        {
            ProcessId = processId,
            SetName = setName,
            Hosts = [.. hosts],
            ClusterId = clusterId,
            ReplicaSetId = replicaSetId,
            Kind = isMongos ? "sharded cluster" : setName is not null ? "replica set" : "standalone",
        };
    }

    /// <summary>Why this and <paramref name="other"/> are the same deployment (e.g. "the same server process ..."), or null when they are not.</summary>
    public string? SameDeploymentAs(DeploymentIdentity other)
    {
        if (ProcessId is not null && ProcessId == other.ProcessId)
        {
            return $"the same server process (topologyVersion.processId {ProcessId})";
        }

        if (ReplicaSetId is not null && ReplicaSetId == other.ReplicaSetId)
        {
            return $"the same replica set {SetName} (replicaSetId {ReplicaSetId})";
        }

        // Without both ids, a set is known by its name and the members its configuration names.
        var idsDiffer = ReplicaSetId is not null && other.ReplicaSetId is not null;
        if (!idsDiffer && SetName is not null && SetName == other.SetName && Hosts.Intersect(other.Hosts, StringComparer.Ordinal).FirstOrDefault() is { } member)
        {
            return $"the same replica set {SetName} (member {member})";
        }

        if (ClusterId is not null && ClusterId == other.ClusterId)
        {
            return $"the same sharded cluster (clusterId {ClusterId})";
        }

        return null;
    }

    /// <summary>A compact JSON form, kept with a dump so that a restore can tell where it came from.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>; null for text that is not one (a dump from another tool or version).</summary>
    public static DeploymentIdentity? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DeploymentIdentity>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() =>
        Kind + (SetName is not null ? $" {SetName}" : string.Empty) + (ProcessId is not null ? $" (process {ProcessId})" : string.Empty);

    /// <summary>A sharded cluster's id (config.version), when the user may read it; null otherwise.</summary>
    private static async Task<string?> ReadClusterIdAsync(IMongoDatabase config, CancellationToken cancellationToken)
    {
        try
        {
            var found = await config.GetCollection<BsonDocument>("version").Find(FilterDefinition<BsonDocument>.Empty).Limit(1).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return found is not null && found.TryGetValue("clusterId", out var id) && id is BsonObjectId objectId ? objectId.Value.ToString() : null;
        }
        catch (MongoCommandException)
        {
            // Not authorized to read it, or not there: the process id and the set still tell.
            return null;
        }
    }

    /// <summary>The replica set's id from its configuration, when the user may read it; null otherwise.</summary>
    private static async Task<string?> ReadReplicaSetIdAsync(IMongoDatabase admin, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetConfig", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
            return reply.TryGetValue("config", out var config) && config is BsonDocument c && c.TryGetValue("settings", out var settings) && settings is BsonDocument s
                && s.TryGetValue("replicaSetId", out var id) && id is BsonObjectId objectId
                ? objectId.Value.ToString()
                : null;
        }
        catch (MongoCommandException)
        {
            // Not authorized (it takes clusterMonitor), or not offered (the sandbox): the set's name and members tell.
            return null;
        }
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
