using System.Text.Json;
using System.Text.Json.Serialization;

namespace MongoMigrate.Dashboard.Contracts;

/// <summary>
/// The API's JSON contracts, serialized by code generated at build time: no reflection or code emitted at run time,
/// so that serving the dashboard costs the migration beside it no compilation (the first answers, and every event).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JobUpdate))]
[JsonSerializable(typeof(JobDetail))]
[JsonSerializable(typeof(List<JobSummary>))]
[JsonSerializable(typeof(IReadOnlyList<JobSummary>))]
[JsonSerializable(typeof(Page<CollectionRow>))]
[JsonSerializable(typeof(ChunksView))]
[JsonSerializable(typeof(JobPools))]
[JsonSerializable(typeof(IReadOnlyList<ErrorRow>))]
[JsonSerializable(typeof(IReadOnlyList<ThroughputSample>))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(ActionResult))]
[JsonSerializable(typeof(CutoverOutcome))]
[JsonSerializable(typeof(VerificationRun))]
[JsonSerializable(typeof(WorkerCountRequest))]
[JsonSerializable(typeof(AdaptiveRequest))]
[JsonSerializable(typeof(CutoverBody))]
public sealed partial class DashboardJson : JsonSerializerContext;
