using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Aggregation;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>
/// A compiled update: operators ({$set: ...}), a replacement document, or an aggregation pipeline of
/// $set/$addFields/$unset/$project/$replaceRoot/$replaceWith stages. Applying it rewrites only what changes:
/// every untouched value keeps its exact bytes, and an update that changes nothing returns the original bytes.
/// </summary>
public sealed class UpdateSpecification
{
    private readonly ObjectUpdateNode? _operators;
    private readonly IReadOnlyDictionary<string, ArrayFilter> _arrayFilters;
    private readonly RawDocument _replacement;
    private readonly AggregationPipeline? _pipeline;
    private readonly string? _idPath;

    private UpdateSpecification(UpdateKind kind, ObjectUpdateNode? operators, IReadOnlyDictionary<string, ArrayFilter> arrayFilters, RawDocument replacement, AggregationPipeline? pipeline, string? idPath)
    {
        Kind = kind;
        _operators = operators;
        _arrayFilters = arrayFilters;
        _replacement = replacement;
        _pipeline = pipeline;
        _idPath = idPath;
    }

    /// <summary>The three forms an update statement's "u" can take.</summary>
    public enum UpdateKind
    {
        Operators,
        Replacement,
        Pipeline,
    }

    public UpdateKind Kind { get; }

    /// <summary>
    /// Compiles an update ("u" of an update statement, a document or an array) with its arrayFilters. Fails with
    /// the server's codes: 9 for unknown modifiers, 40 for conflicting paths, 2 for bad arguments...
    /// </summary>
    public static UpdateSpecification Compile(RawBsonValue update, IReadOnlyList<RawDocument>? arrayFilters = null)
    {
        if (update.Type == BsonTypeCode.Array)
        {
            if (arrayFilters is { Count: > 0 })
            {
                throw new CommandException(ServerErrorCode.FailedToParse, "arrayFilters may not be specified for pipeline-style updates");
            }

            var stages = new List<RawDocument>();
            foreach (var element in update.AsDocument)
            {
                if (element.Value.Type != BsonTypeCode.Document)
                {
                    throw new CommandException(ServerErrorCode.TypeMismatch, "Each element of the 'pipeline' array must be an object");
                }

                stages.Add(element.Value.AsDocument);
            }

            return new UpdateSpecification(UpdateKind.Pipeline, null, new Dictionary<string, ArrayFilter>(), default, AggregationPipeline.CompileForUpdate(stages), null);
        }

        if (update.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "Update argument must be either an object or an array");
        }

        var document = update.AsDocument;
        if (document.TryGetFirst(out var first) && first.Name.StartsWith('$'))
        {
            var filters = ArrayFilter.CompileAll(arrayFilters);
            var root = OperatorUpdateParser.Parse(document, filters, out var idPath);
            return new UpdateSpecification(UpdateKind.Operators, root, filters, default, null, idPath);
        }

        if (arrayFilters is { Count: > 0 })
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "arrayFilters may only be specified for update operator documents, not for replacement documents");
        }

        foreach (var element in document)
        {
            if (element.Name.StartsWith('$'))
            {
                throw new CommandException(
                    ServerErrorCode.DollarPrefixedFieldName,
                    $"The dollar ($) prefixed field '{element.Name}' in '{element.Name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.");
            }
        }

        return new UpdateSpecification(UpdateKind.Replacement, null, new Dictionary<string, ArrayFilter>(), document, null, null);
    }

    /// <summary>Compiles an update given as a document.</summary>
    public static UpdateSpecification Compile(RawDocument update, IReadOnlyList<RawDocument>? arrayFilters = null) =>
        Compile(update.AsValue(), arrayFilters);

    /// <summary>
    /// Applies the update to a stored document. <see cref="UpdateResult.Modified"/> is false (and the bytes are
    /// the original ones) when nothing changed, which is what nModified counts.
    /// </summary>
    public UpdateResult Apply(RawDocument document, UpdateContext context)
    {
        var updated = Kind switch
        {
            UpdateKind.Operators => ApplyOperators(document, context, isInsert: false),
            UpdateKind.Replacement => Replace(document, _replacement),
            _ => ApplyPipeline(document),
        };

        var modified = !updated.Span.SequenceEqual(document.Span);
        return new UpdateResult(modified ? updated : document, modified);
    }

    /// <summary>
    /// The document an upsert inserts when the filter matched nothing: the filter's equality fields (only _id
    /// for a replacement), then the update with $setOnInsert active; _id first, a new ObjectId if none.
    /// </summary>
    public RawDocument BuildUpsert(QueryFilter filter, UpdateContext context)
    {
        var seed = SeedFromFilter(filter, idOnly: Kind == UpdateKind.Replacement);
        RawDocument result = Kind switch
        {
            UpdateKind.Operators => ApplyOperators(seed, context, isInsert: true),
            UpdateKind.Replacement => Replace(seed, _replacement),
            _ => ApplyPipeline(seed),
        };

        return EnsureIdFirst(result, context);
    }

    private RawDocument ApplyOperators(RawDocument document, UpdateContext context, bool isInsert)
    {
        var root = DocumentNode.FromRaw(document);
        document.TryGetValue("_id", out var originalId);
        var state = new ApplyState(context, isInsert, root, originalId, _arrayFilters);
        _operators!.ApplyChildren(root, string.Empty, string.Empty, state);
        var result = root.ToDocument();
        if (!isInsert && _idPath is not null && !originalId.IsMissing())
        {
            if (!result.TryGetValue("_id", out var newId) || !BsonValues.BinaryEquals(newId, originalId))
            {
                throw new CommandException(ServerErrorCode.ImmutableField, $"Performing an update on the path '{_idPath}' would modify the immutable field '_id'");
            }
        }

        return result;
    }

    private static RawDocument Replace(RawDocument original, RawDocument replacement)
    {
        var hasOriginalId = original.TryGetValue("_id", out var originalId);
        var hasNewId = replacement.TryGetValue("_id", out var newId);
        if (hasOriginalId && hasNewId && BsonOrder.CompareValues(originalId, newId) != 0)
        {
            throw new CommandException(ServerErrorCode.ImmutableField, $"After applying the update, the (immutable) field '_id' was found to have been altered to {BsonValues.Describe("_id", newId)}");
        }

        var builder = new BsonBuilder(replacement.Length + 32);
        builder.StartDocument();
        if (hasNewId)
        {
            builder.Value("_id", newId);
        }
        else if (hasOriginalId)
        {
            builder.Value("_id", originalId);
        }

        foreach (var element in replacement)
        {
            if (!element.NameEquals("_id"))
            {
                builder.Element(element);
            }
        }

        builder.End();
        return builder.ToDocument();
    }

    private RawDocument ApplyPipeline(RawDocument document)
    {
        var output = _pipeline!.Execute([document]).ToList();
        if (output.Count != 1)
        {
            throw new CommandException(ServerErrorCode.InternalError, "An update pipeline must produce exactly one document");
        }

        return Replace(document, output[0]);
    }

    private static RawDocument SeedFromFilter(QueryFilter filter, bool idOnly)
    {
        var fields = filter.EqualityFields;
        var root = DocumentNode.Create();
        for (var i = 0; i < fields.Count; i++)
        {
            var (path, value) = fields[i];
            if (idOnly && path != "_id" && !path.StartsWith("_id.", StringComparison.Ordinal))
            {
                continue;
            }

            for (var j = 0; j < i; j++)
            {
                var other = fields[j].Key;
                if (idOnly && other != "_id" && !other.StartsWith("_id.", StringComparison.Ordinal))
                {
                    continue;
                }

                if (other == path)
                {
                    throw new CommandException(ServerErrorCode.NotSingleValueField, $"cannot infer query fields to set, path '{path}' is matched twice");
                }

                if (UpdatePath.Overlaps(other.Split('.'), path.Split('.')))
                {
                    throw new CommandException(ServerErrorCode.NotSingleValueField, $"cannot infer query fields to set, both paths '{path}' and '{other}' are matched");
                }
            }

            SetPath(root, path.Split('.'), value);
        }

        return root.ToDocument();
    }

    private static void SetPath(DocumentNode root, string[] parts, RawBsonValue value)
    {
        var node = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var index = node.IndexOf(parts[i]);
            DocumentNode? child = index >= 0 ? node.ChildNodeAt(index) : null;
            if (child is null)
            {
                child = DocumentNode.Create();
                node.Set(parts[i], new NodeValue(child));
            }

            node = child;
        }

        node.Set(parts[^1], value);
    }

    private static RawDocument EnsureIdFirst(RawDocument document, UpdateContext context)
    {
        if (document.TryGetFirst(out var first) && first.NameEquals("_id"))
        {
            return document;
        }

        var builder = new BsonBuilder(document.Length + 32);
        builder.StartDocument();
        if (document.TryGetValue("_id", out var id))
        {
            builder.Value("_id", id);
        }
        else
        {
            builder.ObjectId("_id", context.NewObjectId());
        }

        foreach (var element in document)
        {
            if (!element.NameEquals("_id"))
            {
                builder.Element(element);
            }
        }

        builder.End();
        return builder.ToDocument();
    }
}
