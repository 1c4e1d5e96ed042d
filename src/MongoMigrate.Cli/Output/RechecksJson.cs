using System.Text.Json;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Cli.Output;

/// <summary>The continuous verification's status as JSON ("verifier": pending rechecks, lag, mismatches), in `jobs`, the migrate summary and a cutover.</summary>
internal static class RechecksJson
{
    public static void Write(Utf8JsonWriter json, RecheckStatus rechecks)
    {
        json.WriteStartObject("verifier");
        json.WriteNumber("rechecksPending", rechecks.Pending);
        json.WriteNumber("lagSeconds", Math.Round(rechecks.LagSeconds, 3));
        json.WriteNumber("mismatches", rechecks.Mismatches);
        json.WriteEndObject();
    }
}
