using System.Text.Json;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>What `mongomigrate verify --json` printed (one indented JSON object): whether the sides are equal, and the source's documents compared.</summary>
public sealed record VerifyOutput(bool Equal, long Documents, string Summary)
{
    /// <summary>The report in <paramref name="output"/>, or null when it holds none.</summary>
    public static VerifyOutput? Read(string output)
    {
        var start = output.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        try
        {
            using var report = JsonDocument.Parse(output.AsMemory(start));
            var root = report.RootElement;
            long documents = 0, missing = 0, extra = 0, different = 0;
            foreach (var space in root.GetProperty("namespaces").EnumerateArray())
            {
                documents += space.GetProperty("sourceDocuments").GetInt64();
                missing += space.GetProperty("missing").GetInt64();
                extra += space.GetProperty("extra").GetInt64();
                different += space.GetProperty("different").GetInt64();
            }

            var equal = root.GetProperty("equal").GetBoolean();
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? $"; {r.GetString()}" : string.Empty;
            return new VerifyOutput(equal, documents, equal ? "equal" : $"NOT equal: {missing:N0} missing, {extra:N0} extra, {different:N0} different{reason}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
