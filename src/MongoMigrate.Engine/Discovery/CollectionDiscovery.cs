using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Discovery;

/// <summary>
/// Lists the source's collections that a selection takes, with options, indexes and sizes. System
/// databases, system collections, views and time-series collections are left out, each with a reason.
/// </summary>
public sealed class CollectionDiscovery(IMongoClient source, ILogger logger)
{
    private static readonly FrozenSet<string> SystemDatabases = FrozenSet.Create(StringComparer.Ordinal, "admin", "config", "local");

    /// <summary>Collections described at the same time (each takes a connection to the source).</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>List views in <see cref="DiscoveryResult.Views"/> instead of skipping them (a dump keeps their definitions).</summary>
    public bool IncludeViews { get; init; }

    /// <summary>Why a namespace is left out, or null when it is copied: shared by discovery and restores from dumps.</summary>
    public static string? ReasonToSkip(NamespaceName ns, string type) =>
        ns.Database == "admin" && ns.Collection is "system.users" or "system.roles"
            ? "users and roles are never copied (they carry credentials): create them on the target"
        : SystemDatabases.Contains(ns.Database) ? $"'{ns.Database}' is a system database"
        : ns.Collection.StartsWith("system.", StringComparison.Ordinal) ? "system collections are managed by the server"
        : type == "view" ? "views hold no data; recreate the view on the target"
        : type == "timeseries" ? "time-series collections are not supported yet"
        : type != "collection" ? $"collections of type '{type}' are not supported"
        : null;

    public async Task<DiscoveryResult> DiscoverAsync(NamespaceSelection selection, CancellationToken cancellationToken)
    {
        var selected = new List<(RawCommandRunner Runner, NamespaceName Namespace, RawDocument Info)>();
        var skipped = new List<SkippedNamespace>();
        var views = new List<SourceView>();
        foreach (var database in await ListDatabasesAsync(cancellationToken).ConfigureAwait(false))
        {
            var runner = new RawCommandRunner(source.GetDatabase(database));
            var cursor = await RawCursor.OpenAsync(runner, ListCollectionsCommand.Build(), null, cancellationToken).ConfigureAwait(false);
            foreach (var info in await cursor.ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                var ns = new NamespaceName(database, info["name"].AsString);
                if (!selection.IsSelected(ns))
                {
                    continue;
                }

                var type = info.TryGetValue("type", out var t) && t.Type == BsonTypeCode.String ? t.AsString : "collection";
                var reason = ReasonToSkip(ns, type);
                if (IncludeViews && type == "view" && ReasonToSkip(ns, "collection") is null)
                {
                    var options = info.TryGetValue("options", out var o) && o.Type == BsonTypeCode.Document ? Copy(o.AsDocument) : RawDocument.Empty;
                    views.Add(new SourceView(ns, options));
                    continue;
                }

                if (reason is not null)
                {
                    logger.LogInformation("Skipping {Namespace}: {Reason}", ns, reason);
                    skipped.Add(new SkippedNamespace(ns, reason));
                    continue;
                }

                selected.Add((runner, ns, info));
            }
        }

        // Indexes and sizes take two round trips per collection: a thousand collections are described several at a time.
        var collections = new SourceCollection[selected.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, selected.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, token) => collections[i] = await DescribeAsync(selected[i].Runner, selected[i].Namespace, selected[i].Info, token).ConfigureAwait(false)).ConfigureAwait(false);
        return new DiscoveryResult(collections, skipped) { Views = views };
    }

    private async Task<List<string>> ListDatabasesAsync(CancellationToken cancellationToken)
    {
        var admin = new RawCommandRunner(source.GetDatabase("admin"));
        var reply = await admin.RunAsync(ListDatabasesCommand.Build(), cancellationToken).ConfigureAwait(false);
        var names = ListDatabasesCommand.Names(reply);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static async Task<SourceCollection> DescribeAsync(RawCommandRunner runner, NamespaceName ns, RawDocument info, CancellationToken cancellationToken)
    {
        var options = info.TryGetValue("options", out var o) && o.Type == BsonTypeCode.Document ? Copy(o.AsDocument) : RawDocument.Empty;
        var uuid = CollectionUuids.Of(info);

        var indexes = (await (await RawCursor.OpenAsync(runner, ListIndexesCommand.Build(ns.Collection), null, cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(Copy).ToList();
        var (count, bytes) = await CollectionSize.EstimateAsync(runner, ns, cancellationToken).ConfigureAwait(false);
        return new SourceCollection
        {
            Namespace = ns,
            Options = options,
            Indexes = indexes,
            Uuid = uuid,
            EstimatedCount = count,
            EstimatedBytes = bytes,
        };
    }

    /// <summary>Metadata outlives the reply it came in; keep it in its own small array.</summary>
    private static RawDocument Copy(RawDocument document) => new(document.Bytes.ToArray());
}
