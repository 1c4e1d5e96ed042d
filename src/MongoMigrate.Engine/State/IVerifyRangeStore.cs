namespace MongoMigrate.Engine.State;

/// <summary>
/// Where a verification job keeps its plan (each collection's _id ranges) and each range's result, so that a resumed
/// run compares only the ranges without one. Each call is durable before it returns.
/// </summary>
public interface IVerifyRangeStore
{
    /// <summary>Stores a collection's ranges, none compared; the collection must be one of the job's.</summary>
    /// <exception cref="InvalidOperationException">The collection already has compared ranges (a plan is never replaced once work started), or the job or collection does not exist.</exception>
    Task SaveVerifyPlanAsync(string jobId, string sourceNamespace, IReadOnlyList<byte[]> filters, CancellationToken cancellationToken);

    /// <summary>A collection's ranges in index order, compared or not; empty before its plan is saved.</summary>
    Task<IReadOnlyList<VerifyRangeRecord>> GetVerifyRangesAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken);

    /// <summary>Records what comparing a range found; recording it again replaces the result.</summary>
    /// <exception cref="InvalidOperationException">The range is not planned.</exception>
    Task RecordVerifyRangeAsync(string jobId, string sourceNamespace, int index, long documents, long differences, string result, CancellationToken cancellationToken);

    /// <summary>Per collection with ranges: how many, how many compared, documents read and differences found.</summary>
    Task<IReadOnlyList<VerifyRangeTotals>> GetVerifyRangeTotalsAsync(string jobId, CancellationToken cancellationToken);
}
