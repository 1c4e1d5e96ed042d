using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Oplog;

/// <summary>
/// local.oplog.rs as the change log reads it, one entry per event in mongod's shape ({op, ns, ui, o, o2, ts, t, v,
/// wall}): "i" with the document, "u" with {_id} in o2 and the change as a $v: 2 diff (updatedFields under u, removed
/// fields under d) or the whole new document for a replace, "d" with {_id}, "c" on db.$cmd for DDL, "n" for no-ops.
/// It holds what the change log holds: the window tools like rs.printReplicationInfo() report.
/// </summary>
internal static class OplogView
{
    public const string Database = "local";
    public const string Collection = "oplog.rs";

    public static List<RawDocument> Entries(ChangeLog log)
    {
        var events = new List<ChangeEvent>();
        log.TryRead(log.OldestSequence - 1, int.MaxValue, static _ => true, events, out _);
        return events.Select(ToEntry).ToList();
    }

    private static RawDocument ToEntry(ChangeEvent change)
    {
        var builder = new BsonBuilder(256).StartDocument();
        var op = change.OperationType switch
        {
            "insert" => "i",
            "update" or "replace" => "u",
            "delete" => "d",
            ChangeLog.NoopOperation => "n",
            _ => "c",
        };
        builder.String("op", op)
            .String("ns", op == "c" ? change.Namespace.Database + ".$cmd" : op == "n" ? string.Empty : change.Namespace.FullName);
        if (change.CollectionUuid != Guid.Empty)
        {
            builder.Binary("ui", 4, change.CollectionUuid.ToByteArray(bigEndian: true));
        }

        switch (op)
        {
            case "i":
                builder.Document("o", change.PostImage ?? IdDocument(change));
                builder.Document("o2", IdDocument(change));
                break;
            case "u":
                builder.Document("o", change.OperationType == "replace" && change.PostImage is { } replacement ? replacement : Diff(change.UpdateDescription));
                builder.Document("o2", IdDocument(change));
                break;
            case "d":
                builder.Document("o", IdDocument(change));
                break;
            case "n":
                builder.Document("o", change.OperationDescription ?? RawDocument.Empty);
                break;
            default:
                builder.StartDocument("o").String(change.OperationType, change.Namespace.Collection);
                if (change.RenameTarget is { } target)
                {
                    builder.String("to", target.FullName);
                }

                builder.End();
                break;
        }

        return builder.Timestamp("ts", change.ClusterTime)
            .Int64("t", 1)
            .Int64("v", 2)
            .DateTime("wall", change.WallTimeMilliseconds)
            .End().ToDocument();
    }

    private static RawDocument IdDocument(ChangeEvent change)
    {
        var builder = new BsonBuilder(64).StartDocument();
        if (change.DocumentId is { } id)
        {
            builder.Value("_id", id);
        }

        return builder.End().ToDocument();
    }

    private static RawDocument Diff(RawDocument? description)
    {
        var builder = new BsonBuilder(256).StartDocument().Int32("$v", 2).StartDocument("diff");
        if (description is { } d)
        {
            if (d.TryGetValue("updatedFields", out var updated) && updated.Type == BsonTypeCode.Document && !updated.AsDocument.IsEmpty)
            {
                builder.Document("u", updated.AsDocument);
            }

            if (d.TryGetValue("removedFields", out var removed) && removed.Type == BsonTypeCode.Array && !removed.AsDocument.IsEmpty)
            {
                builder.StartDocument("d");
                foreach (var field in removed.AsDocument)
                {
                    builder.Boolean(field.Value.AsString, false);
                }

                builder.End();
            }
        }

        return builder.End().End().ToDocument();
    }
}
