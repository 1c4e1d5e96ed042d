using System.Globalization;
using System.Text.Json;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Cli.Output;

/// <summary>A cutover's result as JSON: in the migrate summary, on the cutover channel, and from `cutover --json`.</summary>
internal static class CutoverJson
{
    public static void Write(Utf8JsonWriter json, CutoverResult result)
    {
        json.WriteStartObject();
        json.WriteBoolean("cutOver", result.CutOver);
        json.WriteString("message", result.Message);
        if (result.ClusterTime != 0)
        {
            json.WriteStartObject("clusterTime");
            json.WriteNumber("t", (long)(result.ClusterTime >> 32));
            json.WriteNumber("i", (uint)result.ClusterTime);
            json.WriteEndObject();
            json.WriteString("clusterTimeUtc", DateTimeOffset.FromUnixTimeSeconds((long)(result.ClusterTime >> 32)).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }

        json.WriteNumber("collections", result.Collections);
        json.WriteBoolean("writesBlocked", result.WritesBlocked);
        json.WriteNumber("documentsRepaired", result.Repaired);
        if (result.WriteBlockNote is { } note)
        {
            json.WriteString("writeBlockNote", note);
        }

        if (result.CutOver)
        {
            json.WriteNumber("lagSeconds", 0);
        }

        json.WriteNumber("elapsedSeconds", Math.Round(result.Elapsed.TotalSeconds, 3));
        json.WriteStartArray("differences");
        foreach (var d in result.Differences)
        {
            json.WriteStartObject();
            json.WriteString("source", d.SourceNamespace);
            json.WriteString("target", d.TargetNamespace);
            json.WriteNumber("missing", d.Missing);
            json.WriteNumber("extra", d.Extra);
            json.WriteNumber("different", d.Different);
            json.WriteStartArray("examples");
            foreach (var example in d.Examples)
            {
                json.WriteStringValue(example);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (result.Rechecks is { } rechecks)
        {
            RechecksJson.Write(json, rechecks);
        }

        json.WriteStartArray("mismatches");
        foreach (var m in result.Mismatches)
        {
            json.WriteStartObject();
            json.WriteString("namespace", m.Namespace);
            json.WriteString("id", BsonDebugText.Format(new RawDocument(m.Id)["_id"]));
            json.WriteString("description", m.Description);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The result as one line of JSON.</summary>
    public static string ToLine(CutoverResult result) => JsonOutput.ToLine(json => Write(json, result));
}
