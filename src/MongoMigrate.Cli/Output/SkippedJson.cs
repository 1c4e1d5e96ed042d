using System.Text.Json;
using MongoMigrate.Engine.Discovery;

namespace MongoMigrate.Cli.Output;

/// <summary>The namespaces a job left out, with why, as the "skipped" array of a JSON summary.</summary>
internal static class SkippedJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<SkippedNamespace> skipped)
    {
        json.WriteStartArray("skipped");
        foreach (var s in skipped)
        {
            json.WriteStartObject();
            json.WriteString("namespace", s.Namespace.FullName);
            json.WriteString("reason", s.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
