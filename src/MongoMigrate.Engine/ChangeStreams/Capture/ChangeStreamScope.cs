using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// What a capture watches: the selected source collections. One database is watched with a database
/// stream, several with a cluster stream; either way the server filters the events to these namespaces
/// (renames into them and drops of their databases included), so nothing else crosses the network. With the job's
/// selection, the events of every namespace its include patterns take are watched too (collections created while
/// following); the applier then keeps those the whole selection takes.
/// </summary>
public sealed class ChangeStreamScope
{
    private static readonly string[] SystemDatabases = ["admin", "config", "local"];
    private readonly IReadOnlyList<string> _includes;

    public ChangeStreamScope(IReadOnlyList<NamespaceName> namespaces, NamespaceSelection? selection = null)
    {
        if (namespaces.Count == 0)
        {
            throw new ArgumentException("A change stream needs at least one namespace to follow.", nameof(namespaces));
        }

        Namespaces = [.. namespaces.Distinct().Order()];
        _includes = selection is null ? [] : selection.Include.Count == 0 ? ["*"] : [.. selection.Include.Select(p => p.FullNamePattern)];
        var databases = Namespaces.Select(n => (string?)n.Database).Concat(_includes.Select(DatabaseOf)).Distinct(StringComparer.Ordinal).ToList();
        Database = databases.Count == 1 && databases[0] is { } only ? only : null;
    }

    public IReadOnlyList<NamespaceName> Namespaces { get; }

    /// <summary>The one database watched, or null for a cluster stream.</summary>
    public string? Database { get; }

    /// <summary>The database the aggregate runs on.</summary>
    public string CommandDatabase => Database ?? "admin";

    /// <summary>The aggregate that opens the stream at <paramref name="position"/>.</summary>
    public RawDocument OpenCommand(CapturePosition position, int batchSize, bool showExpandedEvents, bool splitLargeEvents = false) =>
        ChangeStreamAggregateCommand.Build(
            allChangesForCluster: Database is null,
            position.ResumeToken,
            position.ResumeToken is null ? position.OperationTime ?? throw new ArgumentException("A capture position has a token or a time.", nameof(position)) : null,
            showExpandedEvents,
            Match(),
            batchSize,
            splitLargeEvents);

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

        foreach (var pattern in _includes)
        {
            if (DatabaseOf(pattern) is not { } database)
            {
                // A pattern whose database part has a "*": every user database's events (the applier keeps the selected).
                builder.StartDocument(BsonBuilder.Index(index++)).StartDocument("ns.db").StartArray("$nin");
                for (var i = 0; i < SystemDatabases.Length; i++)
                {
                    builder.String(BsonBuilder.Index(i), SystemDatabases[i]);
                }

                builder.End().End().End();
                continue;
            }

            var collection = pattern[(database.Length + 1)..];
            foreach (var field in (string[])["ns", "to"])
            {
                builder.StartDocument(BsonBuilder.Index(index++)).String(field + ".db", database);
                if (collection != "*")
                {
                    builder.Regex(field + ".coll", GlobRegex(collection), string.Empty);
                }

                builder.End();
            }

            builder.StartDocument(BsonBuilder.Index(index++)).String("ns.db", database).String("operationType", "dropDatabase").End();
        }

        return builder.End().End().ToDocument();
    }

    /// <summary>The database a full-name pattern names, or null when its database part has a "*".</summary>
    private static string? DatabaseOf(string pattern)
    {
        var dot = pattern.IndexOf('.', StringComparison.Ordinal);
        var database = dot < 0 ? pattern : pattern[..dot];
        return database.Contains('*', StringComparison.Ordinal) ? null : database;
    }

    /// <summary>An anchored regular expression that matches what a glob ("*" for any run of characters) matches.</summary>
    private static string GlobRegex(string glob) =>
        "^" + string.Join(".*", glob.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$";

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
