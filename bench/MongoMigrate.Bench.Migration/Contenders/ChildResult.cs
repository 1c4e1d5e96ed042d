using System.Text.Json;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>The one JSON line an in-process contender prints when it is done: what it moved.</summary>
public sealed record ChildResult(long Documents, long Bytes)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The result line from a child's output, or null if it printed none.</summary>
    public static ChildResult? FromOutput(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        return line is null ? null : JsonSerializer.Deserialize<ChildResult>(line, Json);
    }
}
