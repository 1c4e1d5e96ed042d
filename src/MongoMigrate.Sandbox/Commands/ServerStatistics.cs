using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// What serverStatus counts: open and created connections, and opcounters as mongod keeps them (an insert counts
/// its documents, an update or delete its statements, find is a query, getMore a getmore, anything else a command).
/// </summary>
internal sealed class ServerStatistics
{
    private int _current;
    private long _totalCreated;
    private long _insert;
    private long _query;
    private long _update;
    private long _delete;
    private long _getMore;
    private long _command;

    public int CurrentConnections => Volatile.Read(ref _current);

    public long TotalCreated => Interlocked.Read(ref _totalCreated);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _current);
        Interlocked.Increment(ref _totalCreated);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _current);

    public void CountCommand(string name, RawDocument body, Dictionary<string, List<RawDocument>>? sequences)
    {
        switch (name)
        {
            case "insert":
                Interlocked.Add(ref _insert, Statements(body, sequences, "documents"));
                break;
            case "update":
                Interlocked.Add(ref _update, Statements(body, sequences, "updates"));
                break;
            case "delete":
                Interlocked.Add(ref _delete, Statements(body, sequences, "deletes"));
                break;
            case "find":
                Interlocked.Increment(ref _query);
                break;
            case "getMore":
                Interlocked.Increment(ref _getMore);
                break;
            default:
                Interlocked.Increment(ref _command);
                break;
        }
    }

    /// <summary>Writes the opcounters document (int64 counts, as mongod reports them).</summary>
    public void WriteOpcounters(BsonBuilder reply) =>
        reply.StartDocument("opcounters")
            .Int64("insert", Interlocked.Read(ref _insert))
            .Int64("query", Interlocked.Read(ref _query))
            .Int64("update", Interlocked.Read(ref _update))
            .Int64("delete", Interlocked.Read(ref _delete))
            .Int64("getmore", Interlocked.Read(ref _getMore))
            .Int64("command", Interlocked.Read(ref _command))
            .End();

    private static long Statements(RawDocument body, Dictionary<string, List<RawDocument>>? sequences, string field)
    {
        if (sequences is not null && sequences.TryGetValue(field, out var sequence))
        {
            return sequence.Count;
        }

        return body.TryGetValue(field, out var array) && array.Type == BsonTypeCode.Array ? array.AsDocument.Count() : 0;
    }
}
