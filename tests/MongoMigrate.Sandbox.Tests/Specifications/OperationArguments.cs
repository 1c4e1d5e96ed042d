using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// An operation's arguments, read one by one; whatever the operation did not read is an unsupported
/// argument, which the format requires the runner to report rather than ignore.
/// </summary>
public sealed class OperationArguments(string operationName, BsonDocument arguments, EntityMap entities)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public BsonDocument Raw => arguments;

    public bool Has(string name) => arguments.Contains(name);

    public BsonValue? Optional(string name)
    {
        _read.Add(name);
        return arguments.TryGetValue(name, out var value) ? value : null;
    }

    public BsonValue Required(string name) =>
        Optional(name) ?? throw new FormatException($"{operationName}: the required argument '{name}' is missing.");

    public BsonDocument Document(string name) => Required(name).AsBsonDocument;

    public BsonDocument? OptionalDocument(string name) => Optional(name)?.AsBsonDocument;

    public string String(string name) => Required(name).AsString;

    public string? OptionalString(string name) => Optional(name)?.AsString;

    public bool? OptionalBoolean(string name) => Optional(name)?.ToBoolean();

    public int? OptionalInt32(string name) => Optional(name)?.ToInt32();

    public long? OptionalInt64(string name) => Optional(name)?.ToInt64();

    public TimeSpan? OptionalMilliseconds(string name) => OptionalInt64(name) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    public FilterDefinition<BsonDocument> Filter(string name = "filter") => new BsonDocumentFilterDefinition<BsonDocument>(Document(name));

    /// <summary>The 'session' argument resolved to its entity, or null.</summary>
    public IClientSessionHandle? Session() => OptionalString("session") is { } id ? entities.Session(id) : null;

    public Collation? Collation() => OptionalDocument("collation") is { } spec ? MongoDB.Driver.Collation.FromBsonDocument(spec) : null;

    public PipelineDefinition<BsonDocument, BsonDocument> Pipeline(string name = "pipeline") =>
        PipelineDefinition<BsonDocument, BsonDocument>.Create(Required(name).AsBsonArray.Select(s => s.AsBsonDocument));

    /// <summary>An update document, or an aggregation pipeline of updates.</summary>
    public UpdateDefinition<BsonDocument> Update(string name = "update") => Required(name) switch
    {
        BsonDocument document => new BsonDocumentUpdateDefinition<BsonDocument>(document),
        BsonArray stages => new PipelineUpdateDefinition<BsonDocument>(PipelineDefinition<BsonDocument, BsonDocument>.Create(stages.Select(s => s.AsBsonDocument))),
        var other => throw new FormatException($"{operationName}: '{name}' is neither a document nor a pipeline: {other}"),
    };

    /// <summary>Raises the format's "unsupported argument" error for anything not read.</summary>
    public void EnsureAllRead()
    {
        var unread = arguments.Names.Where(n => !_read.Contains(n)).ToList();
        if (unread.Count > 0)
        {
            throw new UnsupportedSpecificationFeatureException($"{operationName}: argument(s) {string.Join(", ", unread)} are not supported by this runner.");
        }
    }
}
