using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Migration;

/// <summary>The rule for a resumed job's settings: what the user gives again wins, the rest comes from the job's state.</summary>
internal static class ResumeSettings
{
    public static MigrationOptions Merge(MigrationOptions given, JobDefinition stored, PoolSettings? lastPools)
    {
        var keep = ~given.ResumeOverrides;
        // Whether the job follows the source is what it was started with: its state and target depend on it.
        // The selection is the job's own (a resumed run may only give it again unchanged): an online job follows what it takes.
        var merged = given with
        {
            Online = stored.Online,
            Selection = new Namespaces.NamespaceSelection(stored.Include, stored.Exclude, [.. stored.Renames.Where(r => r.Length == 2).Select(r => (r[0], r[1]))]),
        };
        if (keep.HasFlag(JobSettings.Method))
        {
            merged = merged with { Method = stored.Method == "direct" ? CopyMethod.Direct : CopyMethod.DumpRestore };
        }

        if (keep.HasFlag(JobSettings.DumpWorkers) && (lastPools?.DumpWorkers ?? stored.DumpWorkers) is > 0 and var dump)
        {
            merged = merged with { DumpWorkers = dump };
        }

        if (keep.HasFlag(JobSettings.RestoreWorkers) && (lastPools?.RestoreWorkers ?? stored.RestoreWorkers) is > 0 and var restore)
        {
            merged = merged with { RestoreWorkers = restore };
        }

        if (keep.HasFlag(JobSettings.InsertionWorkers) && (lastPools?.InsertionWorkers ?? stored.InsertionWorkers) is > 0 and var insertion)
        {
            merged = merged with { InsertionWorkers = insertion };
        }

        if (keep.HasFlag(JobSettings.ChunkSize) && stored.ChunkSizeBytes > 0)
        {
            merged = merged with { ChunkSizeBytes = stored.ChunkSizeBytes };
        }

        if (keep.HasFlag(JobSettings.Gzip))
        {
            merged = merged with { Gzip = stored.Gzip };
        }

        if (keep.HasFlag(JobSettings.DiskBudget) && stored.DiskBudgetBytes > 0)
        {
            merged = merged with { DiskBudgetBytes = stored.DiskBudgetBytes };
        }

        // A job verified by a sample stays one: a resume that does not say otherwise must not call its proof full.
        if (keep.HasFlag(JobSettings.Verify) && stored.Verify is { } verify)
        {
            merged = merged with { Verify = verify != "none", VerifySample = verify == "sample" ? stored.SampleFraction ?? 1 : 1 };
        }

        return merged;
    }
}
