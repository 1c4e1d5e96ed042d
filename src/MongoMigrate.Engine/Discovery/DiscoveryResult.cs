namespace MongoMigrate.Engine.Discovery;

/// <summary>The collections a job will copy, the views it found (when asked for) and the namespaces it leaves out.</summary>
public sealed record DiscoveryResult(IReadOnlyList<SourceCollection> Collections, IReadOnlyList<SkippedNamespace> Skipped)
{
    /// <summary>Views, listed only when <see cref="CollectionDiscovery.IncludeViews"/> is set; otherwise they are skipped.</summary>
    public IReadOnlyList<SourceView> Views { get; init; } = [];
}
