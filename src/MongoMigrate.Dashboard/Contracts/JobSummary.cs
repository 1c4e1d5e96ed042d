namespace MongoMigrate.Dashboard.Contracts;

/// <summary>A job in the list.</summary>
public sealed record JobSummary(string JobId, string Kind, string State, string Phase, bool Steerable, double Percent, long Documents, long Bytes, double BytesPerSecond, string? Source, string? Target)
{
    public static JobSummary Of(JobDetail detail) => new(
        detail.JobId, detail.Kind, detail.State, detail.Phase, detail.Steerable, detail.Percent, detail.Documents, detail.Bytes, detail.BytesPerSecond, detail.Source, detail.Target);
}
