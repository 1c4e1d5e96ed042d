using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// runOnRequirements: a test (or file) runs when at least one requirement is met by the server under
/// test; otherwise it is skipped with the unmet conditions as the reason.
/// </summary>
public static class RunOnRequirements
{
    /// <summary>Null when the requirements are met (or absent); otherwise why none of them is.</summary>
    public static async Task<string?> UnmetAsync(BsonArray requirements, ServerUnderTest server, CancellationToken cancellationToken)
    {
        if (requirements.Count == 0)
        {
            return null;
        }

        var reasons = new List<string>();
        foreach (var requirement in requirements.Select(r => r.AsBsonDocument))
        {
            var reason = await UnmetConditionAsync(requirement, server, cancellationToken);
            if (reason is null)
            {
                return null;
            }

            reasons.Add(reason);
        }

        return $"not applicable to the {server}: " + string.Join("; or ", reasons);
    }

    private static async Task<string?> UnmetConditionAsync(BsonDocument requirement, ServerUnderTest server, CancellationToken cancellationToken)
    {
        foreach (var element in requirement)
        {
            var unmet = element.Name switch
            {
                "minServerVersion" => server.Version < VersionNumber.Parse(element.Value.AsString)
                    ? $"requires server version >= {element.Value.AsString}" : null,
                "maxServerVersion" => server.Version > VersionNumber.Parse(element.Value.AsString)
                    ? $"requires server version <= {element.Value.AsString}" : null,
                "topologies" => element.Value.AsBsonArray.Any(t => TopologyMatches(t.AsString, server.Topology))
                    ? null : $"requires topology {string.Join("/", element.Value.AsBsonArray.Select(t => t.AsString))}",
                "serverless" => element.Value.AsString switch
                {
                    "require" when !server.Serverless => "requires Atlas Serverless",
                    "forbid" when server.Serverless => "cannot run on Atlas Serverless",
                    _ => null,
                },
                "auth" => element.Value.ToBoolean() == server.AuthEnabled ? null
                    : element.Value.ToBoolean() ? "requires authentication" : "requires authentication to be off",
                "authMechanism" => $"requires the {element.Value} authentication mechanism",
                "csfle" => element.Value.IsBoolean && !element.Value.AsBoolean ? null : "requires client-side field level encryption",
                "serverParameters" => await UnmetParametersAsync(element.Value.AsBsonDocument, server, cancellationToken),
                _ => throw new UnsupportedSpecificationFeatureException($"runOnRequirement '{element.Name}' is not understood by this runner."),
            };

            if (unmet is not null)
            {
                return unmet;
            }
        }

        return null;
    }

    private static async Task<string?> UnmetParametersAsync(BsonDocument expected, ServerUnderTest server, CancellationToken cancellationToken)
    {
        foreach (var parameter in expected)
        {
            var actual = await server.GetParameterAsync(parameter.Name, cancellationToken);
            if (actual is null || !ValueMatcher.ScalarsEqual(parameter.Value, actual))
            {
                return $"requires server parameter {parameter.Name} = {parameter.Value} (it is {actual?.ToString() ?? "not supported"})";
            }
        }

        return null;
    }

    // "sharded" accepts any sharded cluster; since MongoDB 3.6 every shard is a replica set, so a
    // sharded cluster also satisfies "sharded-replicaset".
    private static bool TopologyMatches(string required, string actual) =>
        required == actual || (required == "sharded-replicaset" && actual == "sharded");
}
