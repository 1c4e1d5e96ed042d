using System.Diagnostics;
using System.Diagnostics.Metrics;
using MongoMigrate.Dashboard.Jobs;

namespace MongoMigrate.Dashboard.Metrics;

/// <summary>
/// The live jobs' progress as instruments on the <c>MongoMigrate.Jobs</c> meter, read when scraped: documents and
/// bytes copied, rates, collections by phase, the worker counts set and whether the job is paused.
/// </summary>
internal sealed class JobMetrics : IDisposable
{
    public const string MeterName = "MongoMigrate.Jobs";

    /// <summary>The engine's worker pool instruments (pool sizes, active workers, documents and bytes per collection).</summary>
    public const string EngineMeterName = "MongoMigrate.WorkerPools";

    private readonly Meter _meter;

    public JobMetrics(IMeterFactory meterFactory, JobRegistry registry)
    {
        _meter = meterFactory.Create(MeterName);
        IEnumerable<Measurement<long>> Each(Func<LiveJob, long> read) =>
            registry.Live.Select(j => new Measurement<long>(read(j), new TagList { { "mongomigrate.job", j.JobId } }));
        IEnumerable<Measurement<double>> EachRate(Func<Contracts.JobDetail, double> read) =>
            registry.Live.Select(j => new Measurement<double>(read(j.Detail()), new TagList { { "mongomigrate.job", j.JobId } }));

        _meter.CreateObservableCounter("mongomigrate.job.documents", () => Each(j => j.Detail().Documents), "{document}", "Documents copied to the target.");
        _meter.CreateObservableCounter("mongomigrate.job.bytes", () => Each(j => j.Detail().Bytes), "By", "Bytes copied to the target.");
        _meter.CreateObservableGauge("mongomigrate.job.bytes.rate", () => EachRate(d => d.BytesPerSecond), "By/s", "Bytes copied per second, over the last seconds.");
        _meter.CreateObservableGauge("mongomigrate.job.documents.rate", () => EachRate(d => d.DocumentsPerSecond), "{document}/s", "Documents copied per second, over the last seconds.");
        _meter.CreateObservableGauge("mongomigrate.job.paused", () => Each(j => j.Steering.IsPaused ? 1 : 0), "1", "1 while the job is paused.");
        _meter.CreateObservableGauge("mongomigrate.job.workers.configured", () => registry.Live.SelectMany(j =>
        {
            var settings = j.Steering.Settings;
            return new[] { ("dump", settings.DumpWorkers), ("restore", settings.RestoreWorkers), ("insertion", settings.InsertionWorkers) }
                .Select(p => new Measurement<int>(p.Item2, new TagList { { "mongomigrate.job", j.JobId }, { "mongomigrate.pool", p.Item1 } }));
        }), "{worker}", "The worker counts set (what the pools run with when not paused).");
        _meter.CreateObservableGauge("mongomigrate.job.collections", () => registry.Live.SelectMany(j =>
        {
            var phases = j.Detail().Collections;
            return new[] { ("waiting", phases.Waiting), ("copying", phases.Copying), ("indexing", phases.Indexing), ("verifying", phases.Verifying), ("done", phases.Done), ("failed", phases.Failed) }
                .Select(p => new Measurement<int>(p.Item2, new TagList { { "mongomigrate.job", j.JobId }, { "mongomigrate.phase", p.Item1 } }));
        }), "{collection}", "Collections by phase.");

        // An online job's following, read from the engine's change-stream progress (the same figures as the page's).
        IEnumerable<Measurement<T>> EachOnline<T>(Func<Contracts.OnlineFigures, T?> read)
            where T : struct => registry.Live.Select(j => (j.JobId, Online: j.Detail().Online))
                .Where(j => j.Online is not null && read(j.Online) is not null)
                .Select(j => new Measurement<T>(read(j.Online!)!.Value, new TagList { { "mongomigrate.job", j.JobId } }));
        _meter.CreateObservableGauge("mongomigrate.job.online.lag", () => EachOnline(o => o.LagSeconds), "s", "How far the target is behind the source: the source's latest cluster time minus the last applied change's.");
        _meter.CreateObservableCounter("mongomigrate.job.online.events.captured", () => EachOnline<long>(o => o.EventsCaptured), "{event}", "Change events read from the source.");
        _meter.CreateObservableCounter("mongomigrate.job.online.events.applied", () => EachOnline<long>(o => o.EventsApplied), "{event}", "Change events applied to the target.");
        _meter.CreateObservableGauge("mongomigrate.job.online.events.pending", () => EachOnline<long>(o => o.EventsPending), "{event}", "Change events captured and not yet applied.");
        _meter.CreateObservableGauge("mongomigrate.job.online.events.rate", () => EachOnline<double>(o => o.EventsPerSecond), "{event}/s", "Change events applied per second.");
        _meter.CreateObservableGauge("mongomigrate.job.online.verifier.lag", () => EachOnline(o => o.VerifierLagSeconds), "s", "The continuous verifier's lag: the source's latest time less the oldest change not rechecked.");
        _meter.CreateObservableGauge("mongomigrate.job.online.verifier.pending", () => EachOnline(o => o.RecheckPending), "{document}", "Changed documents waiting for the continuous verifier's recheck.");
        _meter.CreateObservableGauge("mongomigrate.job.online.cut_over", () => EachOnline<int>(o => o.Cutover is { CutOver: true } ? 1 : 0), "1", "1 once the job has cut over.");
    }

    public void Dispose() => _meter.Dispose();
}
