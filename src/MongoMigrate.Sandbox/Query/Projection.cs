using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Aggregation;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// A compiled projection with MongoDB 4.4+ semantics: inclusion or exclusion (never both, except _id), dotted
/// paths into subdocuments and arrays of them, computed fields ({a: "$b"}, {x: {$literal: 1}}), and in find
/// projections $slice and $elemMatch. The positional "a.$" projection is refused.
/// </summary>
public sealed class Projection
{
    private readonly ProjectionNode _root;
    private readonly bool _includeId;

    private Projection(ProjectionNode root, ProjectionKind kind, bool includeId, RawDocument source)
    {
        _root = root;
        Kind = kind;
        _includeId = includeId;
        Source = source;
    }

    /// <summary>Whether listed fields are kept (inclusion), dropped (exclusion), or fields are added to the whole document.</summary>
    public enum ProjectionKind
    {
        Inclusion,
        Exclusion,
        AddFields,
    }

    /// <summary>The projection {} of find: documents come back unchanged.</summary>
    public static Projection Identity { get; } = new(new ProjectionNode(string.Empty), ProjectionKind.Exclusion, true, RawDocument.Empty);

    public ProjectionKind Kind { get; }

    public RawDocument Source { get; }

    public bool IsIdentity => ReferenceEquals(this, Identity);

    /// <summary>A find projection: $slice and $elemMatch are projection operators here.</summary>
    public static Projection Compile(RawDocument projection)
    {
        if (projection.IsEmpty)
        {
            return Identity;
        }

        return new Parser(findOperators: true).Parse(projection);
    }

    /// <summary>An aggregation $project stage's specification (no find operators; empty is an error).</summary>
    public static Projection CompileForAggregation(RawDocument projection)
    {
        if (projection.IsEmpty)
        {
            throw new CommandException(51272, "Invalid $project :: caused by :: projection specification must have at least one field");
        }

        return new Parser(findOperators: false).Parse(projection);
    }

    /// <summary>An $addFields/$set specification: computed fields set on the whole document.</summary>
    internal static Projection CompileAddFields(RawDocument fields)
    {
        var root = new ProjectionNode(string.Empty);
        foreach (var element in fields)
        {
            Parser.AddComputed(root, element.Name, element.Value);
        }

        return new Projection(root, ProjectionKind.AddFields, true, fields);
    }

    /// <summary>Projects one document into new bytes (or returns it as is for the identity projection).</summary>
    public RawDocument Apply(RawDocument document)
    {
        if (IsIdentity)
        {
            return document;
        }

        var output = Kind switch
        {
            ProjectionKind.Inclusion => _root.ApplyInclusion(document, _includeId),
            ProjectionKind.Exclusion => _root.ApplyExclusion(document),
            _ => DocumentNode.FromRaw(document),
        };

        if (_root.HasComputedFields)
        {
            _root.ApplyExpressions(output, document.AsValue(), EvaluationContext.ForDocument(document));
        }

        return output.ToDocument();
    }

    private sealed class Parser(bool findOperators)
    {
        private ProjectionKind? _kind;
        private bool _includeId = true;
        private bool _idIncludedExplicitly;

        public Projection Parse(RawDocument projection)
        {
            var root = new ProjectionNode(string.Empty);
            foreach (var element in projection)
            {
                var name = element.Name;
                AddField(root, name, element.Value, name);
            }

            // {_id: 1} alone keeps only _id; {_id: 0} or a lone $slice keeps everything else.
            var kind = _kind ?? (_idIncludedExplicitly ? ProjectionKind.Inclusion : ProjectionKind.Exclusion);
            return new Projection(root, kind, _includeId, projection);
        }

        private void AddField(ProjectionNode node, string name, RawBsonValue value, string fullPath)
        {
            ValidateName(name, fullPath);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0)
            {
                var head = name[..dot];
                var child = node.GetOrAddChild(head);
                AddField(child, name[(dot + 1)..], value, fullPath);
                if (child.HasComputedFields)
                {
                    node.NoteComputedChild(head);
                }

                return;
            }

            var isTopLevelId = fullPath == "_id";
            switch (value.Type)
            {
                case BsonTypeCode.Boolean:
                case BsonTypeCode.Int32:
                case BsonTypeCode.Int64:
                case BsonTypeCode.Double:
                case BsonTypeCode.Decimal128:
                    {
                        var include = FilterParser.IsTrueValue(value);
                        if (isTopLevelId)
                        {
                            _includeId = include;
                            _idIncludedExplicitly = include;
                            if (!include)
                            {
                                node.AddExclusion(name);
                            }

                            return;
                        }

                        SetKind(include ? ProjectionKind.Inclusion : ProjectionKind.Exclusion, fullPath);
                        if (include)
                        {
                            node.AddInclusion(name);
                        }
                        else
                        {
                            node.AddExclusion(name);
                        }

                        return;
                    }

                case BsonTypeCode.Document:
                    {
                        var spec = value.AsDocument;
                        if (spec.TryGetFirst(out var first) && first.Name.StartsWith('$'))
                        {
                            if (findOperators && TryAddFindOperator(node, name, first, fullPath, spec))
                            {
                                return;
                            }

                            AddExpression(node, name, value, fullPath);
                            return;
                        }

                        if (spec.IsEmpty)
                        {
                            throw new CommandException(51270, $"An empty sub-projection is not a valid value. Found empty object at path {fullPath}");
                        }

                        var child = node.GetOrAddChild(name);
                        foreach (var element in spec)
                        {
                            AddField(child, element.Name, element.Value, fullPath + "." + element.Name);
                        }

                        if (child.HasComputedFields)
                        {
                            node.NoteComputedChild(name);
                        }

                        return;
                    }

                default:
                    AddExpression(node, name, value, fullPath);
                    return;
            }
        }

        private void AddExpression(ProjectionNode node, string name, RawBsonValue value, string fullPath)
        {
            if (_kind == ProjectionKind.Exclusion)
            {
                throw new CommandException(31252, "Cannot use expression other than $meta in exclusion projection");
            }

            SetKind(ProjectionKind.Inclusion, fullPath);

            node.AddExpression(name, ParseExpression(value));
        }

        private static Expression ParseExpression(RawBsonValue value) => ExpressionParser.Parse(value);

        private bool TryAddFindOperator(ProjectionNode node, string name, RawBsonElement first, string fullPath, RawDocument spec)
        {
            switch (first.Name)
            {
                case "$slice":
                    {
                        if (spec.Count() != 1)
                        {
                            return false;
                        }

                        var (skip, limit) = ParseSlice(first.Value);
                        node.AddSlice(name, skip, limit);
                        return true;
                    }

                case "$elemMatch":
                    {
                        if (fullPath != name)
                        {
                            throw new CommandException(ServerErrorCode.BadValue, $"Cannot use $elemMatch projection on a nested field: {fullPath}");
                        }

                        if (_kind == ProjectionKind.Exclusion)
                        {
                            throw new CommandException(31255, $"Cannot use $elemMatch projection on field {fullPath} in an exclusion projection");
                        }

                        _kind ??= ProjectionKind.Inclusion;
                        node.AddElemMatch(name, FilterParser.ParseElemMatchElementTest(first.Value));
                        return true;
                    }

                case "$meta":
                    throw new CommandException(ServerErrorCode.BadValue, "$meta projection is not supported by the sandbox");
                default:
                    return false;
            }
        }

        private static (int? Skip, int Limit) ParseSlice(RawBsonValue value)
        {
            if (value.IsNumeric)
            {
                return (null, ClampToInt(value));
            }

            if (value.Type == BsonTypeCode.Array)
            {
                var items = value.AsDocument.Values();
                if (items.Count != 2 || !items[0].IsNumeric || !items[1].IsNumeric)
                {
                    throw new CommandException(28667, "$slice only supports numbers and [skip, limit] arrays");
                }

                var limit = ClampToInt(items[1]);
                if (limit <= 0)
                {
                    throw new CommandException(28724, $"Invalid $slice syntax. The limit must be positive but is {limit}");
                }

                return (ClampToInt(items[0]), limit);
            }

            throw new CommandException(28667, "$slice only supports numbers and [skip, limit] arrays");
        }

        private static int ClampToInt(RawBsonValue value)
        {
            var d = Math.Truncate(value.ToDouble());
            return d >= int.MaxValue ? int.MaxValue : d <= int.MinValue + 1 ? int.MinValue + 1 : (int)d;
        }

        private void SetKind(ProjectionKind kind, string fullPath)
        {
            if (_kind is null)
            {
                _kind = kind;
                return;
            }

            if (_kind != kind)
            {
                throw kind == ProjectionKind.Exclusion
                    ? new CommandException(31254, $"Cannot do exclusion on field {fullPath} in inclusion projection")
                    : new CommandException(31253, $"Cannot do inclusion on field {fullPath} in exclusion projection");
            }
        }

        private static void ValidateName(string name, string fullPath)
        {
            if (name.Length == 0 || name.EndsWith('.') || name.StartsWith('.') || name.Contains("..", StringComparison.Ordinal))
            {
                throw new CommandException(ServerErrorCode.BadValue, $"FieldPath field names may not be empty strings. ({fullPath})");
            }

            if (name.StartsWith('$'))
            {
                throw new CommandException(16410, $"FieldPath field names may not start with '$'. Consider using $getField or $setField. ({fullPath})");
            }

            if (name.EndsWith(".$", StringComparison.Ordinal) || name == "$" || name.Contains(".$.", StringComparison.Ordinal))
            {
                throw new CommandException(ServerErrorCode.BadValue, $"The positional projection '{fullPath}' is not supported by the sandbox");
            }
        }

        /// <summary>Adds one $addFields entry ("a.b" or a nested {a: {b: ...}} specification).</summary>
        public static void AddComputed(ProjectionNode node, string name, RawBsonValue value)
        {
            ExpressionParser.ValidateFieldName(name.Split('.')[0]);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0)
            {
                var head = name[..dot];
                var child = node.GetOrAddChild(head);
                AddComputed(child, name[(dot + 1)..], value);
                node.NoteComputedChild(head);
                return;
            }

            if (value.Type == BsonTypeCode.Document && !value.AsDocument.IsEmpty
                && !(value.AsDocument.TryGetFirst(out var first) && first.Name.StartsWith('$')))
            {
                var child = node.GetOrAddChild(name);
                foreach (var element in value.AsDocument)
                {
                    AddComputed(child, element.Name, element.Value);
                }

                node.NoteComputedChild(name);
                return;
            }

            node.AddExpression(name, ExpressionParser.Parse(value));
        }
    }
}
