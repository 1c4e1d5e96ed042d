namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// The read limit of a comparison: the source and the target (which holds a copy of the source) drained at the
/// same time, each as <see cref="ReadLimit"/> drains one server, in one process. A verification reads both sides, and
/// on one machine the two servers share its cores, so this is what the pair can hand out at once; its wall time is
/// that of the slower side while both are read. Each side's documents count once: rates are over one side's bytes,
/// as the verification's are.
/// </summary>
public static class ReadBothLimit
{
    public const string Name = "read-both-limit";

    public static async Task<ChildResult> RunAsync(ChildArguments arguments, CancellationToken cancellationToken)
    {
        var source = ReadLimit.DrainAsync(arguments.Source, arguments.Workers, cancellationToken);
        var target = ReadLimit.DrainAsync(arguments.Target, arguments.Workers, cancellationToken);
        var (sourceDocuments, sourceBytes) = await source.ConfigureAwait(false);
        var (targetDocuments, targetBytes) = await target.ConfigureAwait(false);
        if (sourceDocuments != targetDocuments || sourceBytes != targetBytes)
        {
            throw new InvalidOperationException($"The target does not hold a copy of the source: {sourceDocuments:N0} documents ({sourceBytes:N0} B) read on the source, {targetDocuments:N0} ({targetBytes:N0} B) on the target.");
        }

        return new ChildResult(sourceDocuments, sourceBytes);
    }
}
