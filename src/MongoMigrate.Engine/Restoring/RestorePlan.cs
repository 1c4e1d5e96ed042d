using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// What a restore will do with each namespace of a dump: restore it (collections and views), or leave it out with a
/// reason (system namespaces, users and roles, time-series collections, the oplog). Namespaces the selection does
/// not take are not mentioned.
/// </summary>
internal sealed class RestorePlan
{
    public List<RestoreItem> Collections { get; } = [];

    public List<RestoreItem> Views { get; } = [];

    public List<SkippedNamespace> Skipped { get; } = [];

    public List<string> Notes { get; } = [];

    public bool IsEmpty => Collections.Count == 0 && Views.Count == 0;

    public static RestorePlan FromDirectory(DumpDirectory dump, NamespaceSelection selection)
    {
        var plan = new RestorePlan();
        if (dump.OplogPath is { } oplog)
        {
            plan.Notes.Add($"{oplog} ({new FileInfo(oplog).Length} bytes) was not replayed: oplog replay is not supported yet, so the restore is the dump's data as read, not a point in time.");
        }

        foreach (var ignored in dump.Skipped)
        {
            plan.Notes.Add($"ignored {ignored}");
        }

        foreach (var entry in dump.Namespaces)
        {
            var kind = entry.Kind == DumpNamespaceKind.View ? "view" : "collection";
            plan.Add(
                new NamespaceName(entry.Database, entry.Collection),
                entry.Kind,
                selection,
                target => new RestoreItem
                {
                    Source = new NamespaceName(entry.Database, entry.Collection),
                    Target = target,
                    IsView = kind == "view",
                    Metadata = entry.Metadata,
                    DataPath = entry.DataPath,
                    EstimatedBytes = entry.DataFileLength,
                });
        }

        plan.CheckTargets();
        return plan;
    }

    public static RestorePlan FromArchive(ArchiveReader reader, NamespaceSelection selection)
    {
        var plan = new RestorePlan();
        foreach (var ns in reader.Namespaces)
        {
            if (ns.IsOplog)
            {
                plan.Notes.Add($"the archive's oplog was not replayed: oplog replay is not supported yet, so the restore is the dump's data as read, not a point in time.");
                continue;
            }

            var kind = ns.IsView ? DumpNamespaceKind.View
                : ns.IsTimeSeries ? DumpNamespaceKind.TimeSeries
                : DumpNamespaceKind.Collection;
            plan.Add(
                new NamespaceName(ns.Database, ns.Collection),
                kind,
                selection,
                target => new RestoreItem
                {
                    Source = new NamespaceName(ns.Database, ns.Collection),
                    Target = target,
                    IsView = kind == DumpNamespaceKind.View,
                    Metadata = ns.Metadata,
                    ArchiveNamespace = ns,
                });
        }

        plan.CheckTargets();
        return plan;
    }

    private const string AuthVersionReason = "the auth schema and feature compatibility versions belong to the target server";

    /// <summary>Why a namespace of a dump is not restored, or null when it is.</summary>
    public static string? ReasonToSkip(NamespaceName ns, DumpNamespaceKind kind) => kind switch
    {
        DumpNamespaceKind.Users or DumpNamespaceKind.Roles => "users and roles are never restored (they carry credentials): create them on the target",
        DumpNamespaceKind.AuthVersion => AuthVersionReason,
        _ when ns.Database == "admin" && ns.Collection == "system.version" => AuthVersionReason,
        DumpNamespaceKind.TimeSeries => "time-series collections are not restored yet: restore them with mongorestore, or recreate them and copy their data",
        _ => CollectionDiscovery.ReasonToSkip(ns, "collection"),
    };

    private void Add(NamespaceName ns, DumpNamespaceKind kind, NamespaceSelection selection, Func<NamespaceName, RestoreItem> create)
    {
        if (!selection.IsSelected(ns))
        {
            return;
        }

        if (ReasonToSkip(ns, kind) is { } reason)
        {
            Skipped.Add(new SkippedNamespace(ns, reason));
            return;
        }

        var item = create(selection.TargetOf(ns));
        (item.IsView ? Views : Collections).Add(item);
    }

    private void CheckTargets()
    {
        var clash = Collections.Concat(Views).GroupBy(i => i.Target).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new MigrationException($"{string.Join(" and ", clash.Select(c => c.Source))} would all be restored to {clash.Key}: adjust --from/--to.");
        }

        if (Collections.Concat(Views).FirstOrDefault(i => ReasonToSkip(i.Target, DumpNamespaceKind.Collection) is not null) is { } item)
        {
            throw new MigrationException($"{item.Source} would be restored to {item.Target}: {ReasonToSkip(item.Target, DumpNamespaceKind.Collection)}. Adjust --from/--to.");
        }
    }
}
