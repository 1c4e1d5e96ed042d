using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

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

        return new Parser(findOperators: true, null).Parse(projection);
    }

    /// <summary>An aggregation $project stage's specification (no find operators; empty is an error).</summary>
    public static Projection CompileForAggregation(RawDocument projection) => CompileForAggregation(projection, null);

    /// <summary>A $project whose expressions may read the user variables in <paramref name="scope"/>.</summary>
    internal static Projection CompileForAggregation(RawDocument projection, VariableScope? scope)
    {
        if (projection.IsEmpty)
        {
            throw new CommandException(51272, "Invalid $project :: caused by :: projection specification must have at least one field");
        }

        return new Parser(findOperators: false, scope).Parse(projection);
    }

    /// <summary>An $addFields/$set specification: computed fields set on the whole document.</summary>
    internal static Projection CompileAddFields(RawDocument fields, VariableScope? scope = null)
    {
        var root = new ProjectionNode(string.Empty);
        foreach (var element in fields)
        {
            Parser.AddComputed(root, element.Name, element.Value, scope);
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

    private sealed class Parser(bool findOperators, VariableScope? scope)
    {
        private ProjectionKind? _kind;
        private bool _includeId = true;
        private bool _idIncludedExplicitly;
        private bool _hasElemMatch;

        public Projection Parse(RawDocument projection)
        {
            var root = new ProjectionNode(string.Empty);
            foreach (var element in projection)
            {
                var name = element.Name;
                AddField(root, name, element.Value, name, topLevel: true);
            }

            // Without a decisive field the server falls back on defaults: {_id: 1} or an $elemMatch alone
            // keep only what is listed; {_id: 0} or a lone $slice keep everything else.
            var kind = _kind ?? (_idIncludedExplicitly || _hasElemMatch ? ProjectionKind.Inclusion : ProjectionKind.Exclusion);
            return new Projection(root, kind, _includeId, projection);
        }

        // 'name' is what is left of the element's (possibly dotted) name at this level; 'elementName' is the
        // name as written, which the server's messages show.
        private void AddField(ProjectionNode node, string name, RawBsonValue value, string elementName, bool topLevel)
        {
            ValidateName(name, elementName);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0)
            {
                var head = name[..dot];
                var child = node.GetOrAddChild(head, elementName);
                AddField(child, name[(dot + 1)..], value, elementName, topLevel: false);
                if (child.HasComputedFields)
                {
                    node.NoteComputedChild(head);
                }

                return;
            }

            var isTopLevelId = topLevel && name == "_id";
            switch (value.Type)
            {
                case BsonTypeCode.Boolean:
                case BsonTypeCode.Int32:
                case BsonTypeCode.Int64:
                case BsonTypeCode.Double:
                case BsonTypeCode.Decimal128:
                    {
                        var include = FieldOperatorParser.IsTrueValue(value);
                        if (isTopLevelId)
                        {
                            _includeId = include;
                            _idIncludedExplicitly = include;
                            if (!include)
                            {
                                node.AddExclusion(name, elementName);
                            }

                            return;
                        }

                        SetKind(include ? ProjectionKind.Inclusion : ProjectionKind.Exclusion, elementName);
                        if (include)
                        {
                            node.AddInclusion(name, elementName);
                        }
                        else
                        {
                            node.AddExclusion(name, elementName);
                        }

                        return;
                    }

                case BsonTypeCode.Document:
                    {
                        var spec = value.AsDocument;
                        if (spec.TryGetFirst(out var first) && first.Name.StartsWith('$') && spec.Count() == 1)
                        {
                            if (TryAddFindOperator(node, name, first, elementName, topLevel))
                            {
                                return;
                            }

                            if (_kind == ProjectionKind.Exclusion)
                            {
                                throw new CommandException(31252, "Cannot use expression other than $meta in exclusion projection");
                            }

                            SetKind(ProjectionKind.Inclusion, elementName);
                            node.AddExpression(name, ExpressionParser.Parse(value, scope), elementName);
                            return;
                        }

                        if (spec.IsEmpty)
                        {
                            throw new CommandException(51270, $"An empty sub-projection is not a valid value. Found empty object at path {elementName}");
                        }

                        var child = node.GetOrAddChild(name, elementName);
                        foreach (var element in spec)
                        {
                            var childName = element.Name;
                            AddField(child, childName, element.Value, childName, topLevel: false);
                        }

                        if (child.HasComputedFields)
                        {
                            node.NoteComputedChild(name);
                        }

                        return;
                    }

                default:
                    if (_kind == ProjectionKind.Exclusion)
                    {
                        throw new CommandException(31310, $"Cannot use an expression {BsonValues.Describe(elementName, value)} in an exclusion projection");
                    }

                    SetKind(ProjectionKind.Inclusion, elementName);
                    node.AddExpression(name, ExpressionParser.Parse(value, scope), elementName);
                    return;
            }
        }

        private bool TryAddFindOperator(ProjectionNode node, string name, RawBsonElement first, string elementName, bool topLevel)
        {
            switch (first.Name)
            {
                case "$slice" when findOperators && (first.Value.IsNumeric || first.Value.Type == BsonTypeCode.Array):
                    {
                        var (skip, limit) = ParseSlice(first.Value);
                        node.AddSlice(name, skip, limit, elementName);
                        return true;
                    }

                case "$slice" when findOperators:
                    throw new CommandException(31273, "$slice only supports numbers and [skip, limit] arrays");
                case "$elemMatch" when !findOperators:
                    throw new CommandException(ServerErrorCode.InvalidPipelineOperator, "Cannot use $elemMatch in this context");
                case "$elemMatch":
                    {
                        if (first.Value.Type != BsonTypeCode.Document)
                        {
                            throw new CommandException(31274, $"elemMatch: Invalid argument, object required, but got {BsonValues.TypeName(first.Value.Type)}");
                        }

                        if (!topLevel)
                        {
                            throw new CommandException(31275, "Cannot use $elemMatch projection on a nested field.");
                        }

                        _hasElemMatch = true;
                        node.AddElemMatch(name, FieldOperatorParser.ParseElemMatchElementTest(first.Value), elementName);
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

            var items = value.AsDocument.Values();
            if (items.Count != 2)
            {
                throw new CommandException(31272, "$slice array argument should be of form [skip, limit]");
            }

            if (!items[0].IsNumeric)
            {
                throw new CommandException(31257, $"$slice expects the skip argument to be a number, got {BsonValues.TypeName(items[0].Type)}");
            }

            if (!items[1].IsNumeric)
            {
                throw new CommandException(31258, $"$slice expects the limit argument to be a number, got {BsonValues.TypeName(items[1].Type)}");
            }

            var limit = ClampToInt(items[1]);
            if (limit <= 0)
            {
                throw new CommandException(31259, $"$slice limit must be positive, got {limit}");
            }

            return (ClampToInt(items[0]), limit);
        }

        private static int ClampToInt(RawBsonValue value)
        {
            var d = Math.Truncate(value.ToDouble());
            return d >= int.MaxValue ? int.MaxValue : d <= int.MinValue + 1 ? int.MinValue + 1 : (int)d;
        }

        private void SetKind(ProjectionKind kind, string elementName)
        {
            if (_kind is null)
            {
                _kind = kind;
                return;
            }

            if (_kind != kind)
            {
                throw kind == ProjectionKind.Exclusion
                    ? new CommandException(31254, $"Cannot do exclusion on field {elementName} in inclusion projection")
                    : new CommandException(31253, $"Cannot do inclusion on field {elementName} in exclusion projection");
            }
        }

        private static void ValidateName(string name, string elementName)
        {
            if (name.EndsWith(".$", StringComparison.Ordinal) || name == "$" || name.Contains(".$.", StringComparison.Ordinal))
            {
                throw new CommandException(ServerErrorCode.BadValue, $"The positional projection '{elementName}' is not supported by the sandbox");
            }

            if (name.Length == 0 || name.EndsWith('.') || name.StartsWith('.') || name.Contains("..", StringComparison.Ordinal))
            {
                throw new CommandException(15998, $"FieldPath field names may not be empty strings. ({elementName})");
            }

            if (name.StartsWith('$'))
            {
                throw new CommandException(16410, $"FieldPath field names may not start with '$'. Consider using $getField or $setField. ({elementName})");
            }
        }

        /// <summary>Adds one $addFields entry ("a.b" or a nested {a: {b: ...}} specification).</summary>
        public static void AddComputed(ProjectionNode node, string name, RawBsonValue value, VariableScope? scope)
        {
            ExpressionParser.ValidateFieldName(name.Split('.')[0]);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0)
            {
                var head = name[..dot];
                var child = node.GetOrAddChild(head, name);
                AddComputed(child, name[(dot + 1)..], value, scope);
                node.NoteComputedChild(head);
                return;
            }

            if (value.Type == BsonTypeCode.Document && !value.AsDocument.IsEmpty
                && !(value.AsDocument.TryGetFirst(out var first) && first.Name.StartsWith('$')))
            {
                var child = node.GetOrAddChild(name, name);
                foreach (var element in value.AsDocument)
                {
                    AddComputed(child, element.Name, element.Value, scope);
                }

                node.NoteComputedChild(name);
                return;
            }

            node.AddExpression(name, ExpressionParser.Parse(value, scope), name);
        }
    }
}
