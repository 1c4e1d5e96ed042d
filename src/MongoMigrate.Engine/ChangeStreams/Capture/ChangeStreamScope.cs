using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// What a capture watches: the selected source collections. One database is watched with a database
/// stream, several with a cluster stream; either way the server filters the events to these namespaces
/// (renames into them and drops of their databases included), so nothing else crosses the network.
/// </summary>
public sealed class ChangeStreamScope
{
    public ChangeStreamScope(IReadOnlyList<NamespaceName> namespaces)
    {
        if (namespaces.Count == 0)
        {
            throw new ArgumentException("A change stream needs at least one namespace to follow.", nameof(namespaces));
        }

        Namespaces = [.. namespaces.Distinct().Order()];
        var databases = Namespaces.Select(n => n.Database).Distinct(StringComparer.Ordinal).ToList();
        Database = databases.Count == 1 ? databases[0] : null;
    }

    public IReadOnlyList<NamespaceName> Namespaces { get; }

    /// <summary>The one database watched, or null for a cluster stream.</summary>
    public string? Database { get; }

    /// <summary>The database the aggregate runs on.</summary>
    public string CommandDatabase => Database ?? "admin";

    /// <summary>The aggregate that opens the stream at <paramref name="position"/>.</summary>
    public RawDocument OpenCommand(CapturePosition position, int batchSize, bool showExpandedEvents) =>
        ChangeStreamAggregateCommand.Build(
            allChangesForCluster: Database is null,
            position.ResumeToken,
            position.ResumeToken is null ? position.OperationTime ?? throw new ArgumentException("A capture position has a token or a time.", nameof(position)) : null,
            showExpandedEvents,
            Match(),
            batchSize);

    /// <summary>The events of these namespaces: written in them, renamed into them, or dropping their database.</summary>
    private RawDocument Match()
    {
        var builder = new BsonBuilder(256 + (Namespaces.Count * 64)).StartDocument().StartArray("$or");
        var index = 0;
        foreach (var group in Namespaces.GroupBy(n => n.Database, StringComparer.Ordinal))
        {
            AppendNamespaceClause(builder, index++, "ns", group.Key, group);
            AppendNamespaceClause(builder, index++, "to", group.Key, group);
            builder.StartDocument(BsonBuilder.Index(index++)).String("ns.db", group.Key).String("operationType", "dropDatabase").End();
        }

        return builder.End().End().ToDocument();
    }

    private static void AppendNamespaceClause(BsonBuilder builder, int index, string field, string database, IEnumerable<NamespaceName> namespaces)
    {
        builder.StartDocument(BsonBuilder.Index(index)).String(field + ".db", database).StartDocument(field + ".coll").StartArray("$in");
        var i = 0;
        foreach (var ns in namespaces)
        {
            builder.String(BsonBuilder.Index(i++), ns.Collection);
        }

        builder.End().End().End();
    }
}
