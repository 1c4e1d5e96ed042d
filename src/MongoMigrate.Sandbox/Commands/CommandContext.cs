using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>One command being executed: its body, document sequences, database, the shared server state and the reply under construction.</summary>
internal sealed class CommandContext
{
    public CommandContext(ServerContext server, ConnectionState connection, RawDocument body, Dictionary<string, List<RawDocument>>? sequences, BsonBuilder reply)
    {
        Server = server;
        Connection = connection;
        Body = body;
        Sequences = sequences;
        Reply = reply;
        if (!body.TryGetFirst(out var first))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "empty command document");
        }

        CommandName = first.Name;
        CommandValue = first.Value;
        Database = body.TryGetValue("$db"u8, out var db) && db.Type == BsonTypeCode.String
            ? db.AsString
            : throw new CommandException(ServerErrorCode.FailedToParse, "Command is missing the $db field");
    }

    public ServerContext Server { get; }

    public ConnectionState Connection { get; }

    public RawDocument Body { get; }

    public Dictionary<string, List<RawDocument>>? Sequences { get; }

    /// <summary>The reply document, already opened; the handler writes its fields, the dispatcher adds ok and closes it.</summary>
    public BsonBuilder Reply { get; }

    public string CommandName { get; }

    /// <summary>The value of the first field, e.g. the collection name of find.</summary>
    public RawBsonValue CommandValue { get; }

    public string Database { get; }

    /// <summary>The collection named by the first field's string value.</summary>
    public Namespace CollectionNamespace()
    {
        if (CommandValue.Type != BsonTypeCode.String)
        {
            throw new CommandException(
                ServerErrorCode.InvalidNamespace,
                $"collection name has invalid type {BsonTypeNames.Of(CommandValue.Type)}");
        }

        return Namespace.Create(Database, CommandValue.AsString);
    }

    public bool TryGet(string name, out RawBsonValue value) => Body.TryGetValue(name, out value);

    /// <summary>A list of documents given either as a document sequence or as an array field of the body.</summary>
    public List<RawDocument> Documents(string name)
    {
        if (Sequences is not null && Sequences.TryGetValue(name, out var sequence))
        {
            return sequence;
        }

        if (!Body.TryGetValue(name, out var value))
        {
            return [];
        }

        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field '{CommandName}.{name}' is the wrong type '{BsonTypeNames.Of(value.Type)}', expected type 'array'");
        }

        var list = new List<RawDocument>();
        foreach (var element in value.AsDocument)
        {
            if (element.Type != BsonTypeCode.Document)
            {
                throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field '{CommandName}.{name}' must be an array of objects");
            }

            list.Add(element.Value.AsDocument);
        }

        return list;
    }

    public bool GetBoolean(string name, bool defaultValue)
    {
        if (!Body.TryGetValue(name, out var value) || value.IsNullOrUndefined)
        {
            return defaultValue;
        }

        return value.Type == BsonTypeCode.Boolean ? value.AsBoolean : value.IsNumeric ? value.IsTruthy : throw WrongType(name, value, "bool");
    }

    public long? GetInt64(string name)
    {
        if (!Body.TryGetValue(name, out var value) || value.IsNullOrUndefined)
        {
            return null;
        }

        return value.TryGetInt64(out var result) ? result : throw WrongType(name, value, "long");
    }

    public int? GetInt32(string name)
    {
        var value = GetInt64(name);
        return value is null ? null : (int)Math.Clamp(value.Value, int.MinValue, int.MaxValue);
    }

    public RawDocument? GetDocument(string name)
    {
        if (!Body.TryGetValue(name, out var value) || value.IsNullOrUndefined)
        {
            return null;
        }

        return value.Type == BsonTypeCode.Document ? value.AsDocument : throw WrongType(name, value, "object");
    }

    public string? GetString(string name)
    {
        if (!Body.TryGetValue(name, out var value) || value.IsNullOrUndefined)
        {
            return null;
        }

        return value.Type == BsonTypeCode.String ? value.AsString : throw WrongType(name, value, "string");
    }

    public CommandException WrongType(string name, RawBsonValue value, string expected) => new(
        ServerErrorCode.TypeMismatch,
        $"BSON field '{CommandName}.{name}' is the wrong type '{BsonTypeNames.Of(value.Type)}', expected type '{expected}'");
}
