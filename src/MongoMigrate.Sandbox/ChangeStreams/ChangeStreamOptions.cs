using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.ChangeStreams;

/// <summary>The parsed {$changeStream: {...}} stage and the scope it watches.</summary>
internal sealed record ChangeStreamOptions
{
    /// <summary>The watched database, or null for the whole cluster.</summary>
    public string? Database { get; init; }

    /// <summary>The watched collection, or null for a database or cluster stream.</summary>
    public string? Collection { get; init; }

    /// <summary>default, updateLookup, whenAvailable or required.</summary>
    public string FullDocument { get; init; } = "default";

    /// <summary>off, whenAvailable or required.</summary>
    public string FullDocumentBeforeChange { get; init; } = "off";

    public RawBsonValue? ResumeAfter { get; init; }

    public RawBsonValue? StartAfter { get; init; }

    public ulong? StartAtOperationTime { get; init; }

    public bool ShowExpandedEvents { get; init; }

    /// <summary>The pipeline ends with $changeStreamSplitLargeEvent: events over 16 MiB come in fragments.</summary>
    public bool SplitLargeEvents { get; init; }

    public static ChangeStreamOptions Parse(RawDocument stage, string database, string? collection, bool allChangesForCluster)
    {
        var options = new ChangeStreamOptions
        {
            Database = allChangesForCluster ? null : database,
            Collection = collection,
        };
        foreach (var element in stage)
        {
            options = element.Name switch
            {
                "fullDocument" => options with { FullDocument = element.Value.AsString },
                "fullDocumentBeforeChange" => options with { FullDocumentBeforeChange = element.Value.AsString },
                "resumeAfter" => options with { ResumeAfter = element.Value },
                "startAfter" => options with { StartAfter = element.Value },
                "startAtOperationTime" when element.Type == BsonTypeCode.Timestamp => options with { StartAtOperationTime = element.Value.AsTimestamp },
                "showExpandedEvents" => options with { ShowExpandedEvents = element.Value.IsTruthy },
                "allChangesForCluster" => options,
                // The server's IDL parser: 40415 for an unknown field.
                _ => throw new CommandException(40415, $"BSON field '$changeStream.{element.Name}' is an unknown field."),
            };
        }

        if (options.FullDocument is not ("default" or "updateLookup" or "whenAvailable" or "required"))
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Enumeration value '{options.FullDocument}' for field 'fullDocument' is not a valid value.");
        }

        if (new[] { options.ResumeAfter is not null, options.StartAfter is not null, options.StartAtOperationTime is not null }.Count(b => b) > 1)
        {
            throw new CommandException(40674, "Only one type of resume option is allowed, but multiple were found.");
        }

        return options;
    }

    /// <summary>
    /// Whether an event falls in the watched scope (system databases are never watched by cluster streams). A rename is
    /// in scope by its source or by its target, as mongod's stream filter also matches the rename's "to" against the
    /// watched namespaces: a collection renamed into the watched database from another one is seen there.
    /// </summary>
    public bool Covers(ChangeEvent change)
    {
        if (change.OperationType == ChangeLog.NoopOperation
            || (!ShowExpandedEvents && change.OperationType is "create" or "createIndexes" or "dropIndexes" or "modify"))
        {
            return false;
        }

        return CoversNamespace(change.Namespace, change.OperationType)
            || (change.OperationType == "rename" && change.RenameTarget is { } to && CoversNamespace(to, change.OperationType));
    }

    private bool CoversNamespace(Namespace ns, string operationType)
    {
        if (Database is null)
        {
            return ns.Database is not ("admin" or "config" or "local");
        }

        if (ns.Database != Database)
        {
            return false;
        }

        if (Collection is null)
        {
            return !ns.Collection.StartsWith("system.", StringComparison.Ordinal);
        }

        return ns.Collection == Collection || (operationType == "dropDatabase");
    }

    /// <summary>Events that end a stream: dropping or renaming the watched collection, dropping the watched database.</summary>
    public bool Invalidates(ChangeEvent change) =>
        (Collection is not null && change.OperationType is "drop" or "rename" or "dropDatabase")
        || (Collection is null && Database is not null && change.OperationType == "dropDatabase");

    public Namespace CursorNamespace => Collection is not null
        ? new Namespace(Database!, Collection)
        : new Namespace(Database ?? "admin", "$cmd.aggregate");
}
