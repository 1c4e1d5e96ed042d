using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// One level of a projection tree. Included, excluded and sliced fields are applied while walking the input in
/// its own order, so output fields keep the document's order; computed fields ($elemMatch too) are then set in
/// the order the specification gave them: in place if the field is already in the output, else appended.
/// </summary>
internal sealed class ProjectionNode
{
    private readonly Dictionary<string, Leaf> _leaves = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProjectionNode> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Expression> _expressions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<RawBsonValue, bool>> _elemMatches = new(StringComparer.Ordinal);
    private readonly List<string> _additionOrder = [];

    public ProjectionNode(string pathPrefix)
    {
        PathPrefix = pathPrefix;
    }

    private enum LeafKind
    {
        Include,
        Exclude,
        Slice,
    }

    public string PathPrefix { get; }

    /// <summary>Whether this node or a child computes fields, so the expression pass must visit it.</summary>
    public bool HasComputedFields { get; private set; }

    /// <summary>The node for a subdocument level; <paramref name="elementName"/> is only for messages.</summary>
    public ProjectionNode GetOrAddChild(string name, string elementName)
    {
        if (_leaves.ContainsKey(name) || _expressions.ContainsKey(name) || _elemMatches.ContainsKey(name))
        {
            throw new CommandException(31249, $"Path collision at {elementName} remaining portion {RemainingAfter(elementName, name)}");
        }

        if (!_children.TryGetValue(name, out var child))
        {
            child = new ProjectionNode(PathPrefix + name + ".");
            _children.Add(name, child);
        }

        return child;
    }

    public void AddInclusion(string name, string elementName) => AddLeaf(name, new Leaf(LeafKind.Include, 0, 0), elementName);

    public void AddExclusion(string name, string elementName) => AddLeaf(name, new Leaf(LeafKind.Exclude, 0, 0), elementName);

    /// <summary>A find $slice: skip (negative counts from the end) and a limit, or a count when skip is null.</summary>
    public void AddSlice(string name, int? skip, int limit, string elementName) =>
        AddLeaf(name, new Leaf(LeafKind.Slice, skip ?? int.MinValue, limit), elementName);

    public void AddExpression(string name, Expression expression, string elementName)
    {
        CheckFree(name, elementName);
        _expressions.Add(name, expression);
        _additionOrder.Add(name);
        HasComputedFields = true;
    }

    public void AddElemMatch(string name, Func<RawBsonValue, bool> elementTest, string elementName)
    {
        CheckFree(name, elementName);
        _elemMatches.Add(name, elementTest);
        _additionOrder.Add(name);
        HasComputedFields = true;
    }

    /// <summary>Marks the path down to a child with computed fields so the expression pass reaches it.</summary>
    public void NoteComputedChild(string name)
    {
        if (!_additionOrder.Contains(name))
        {
            _additionOrder.Add(name);
        }

        HasComputedFields = true;
    }

    private void AddLeaf(string name, Leaf leaf, string elementName)
    {
        CheckFree(name, elementName);
        _leaves.Add(name, leaf);
    }

    private void CheckFree(string name, string elementName)
    {
        if (_leaves.ContainsKey(name) || _children.ContainsKey(name) || _expressions.ContainsKey(name) || _elemMatches.ContainsKey(name))
        {
            throw new CommandException(31250, $"Path collision at {elementName}");
        }
    }

    private static string RemainingAfter(string elementName, string name)
    {
        var at = elementName.IndexOf(name + ".", StringComparison.Ordinal);
        return at < 0 ? elementName : elementName[(at + name.Length + 1)..];
    }

    /// <summary>Inclusion: only listed fields (and computed ones) survive.</summary>
    public DocumentNode ApplyInclusion(RawDocument document, bool includeId)
    {
        var output = DocumentNode.Create();
        foreach (var element in document)
        {
            var name = element.Name;
            var value = element.Value;
            if (_leaves.TryGetValue(name, out var leaf))
            {
                if (leaf.Kind == LeafKind.Include)
                {
                    output.Append(name, value);
                }
                else if (leaf.Kind == LeafKind.Slice)
                {
                    output.Append(name, leaf.ApplySlice(value));
                }
            }
            else if (_children.TryGetValue(name, out var child))
            {
                var projected = child.InclusionOfValue(value);
                if (!projected.IsMissing())
                {
                    output.Append(name, projected);
                }
            }
            else if (includeId && name == "_id")
            {
                output.Append(name, value);
            }
        }

        return output;
    }

    private RawBsonValue InclusionOfValue(RawBsonValue value)
    {
        switch (value.Type)
        {
            case BsonTypeCode.Document:
                return ApplyInclusion(value.AsDocument, includeId: false).ToValue();
            case BsonTypeCode.Array:
                {
                    var items = new List<RawBsonValue>();
                    foreach (var element in value.AsDocument)
                    {
                        if (element.Value.IsDocumentOrArray)
                        {
                            items.Add(InclusionOfValue(element.Value));
                        }
                    }

                    return BsonValues.Array(items);
                }

            default:
                return BsonValues.Missing;
        }
    }

    /// <summary>Exclusion: every field survives except the listed ones; slices apply in place.</summary>
    public DocumentNode ApplyExclusion(RawDocument document)
    {
        var output = DocumentNode.Create();
        foreach (var element in document)
        {
            var name = element.Name;
            var value = element.Value;
            if (_leaves.TryGetValue(name, out var leaf))
            {
                if (leaf.Kind == LeafKind.Slice)
                {
                    output.Append(name, leaf.ApplySlice(value));
                }
                else if (leaf.Kind == LeafKind.Include)
                {
                    output.Append(name, value);
                }
            }
            else if (_children.TryGetValue(name, out var child))
            {
                output.Append(name, child.ExclusionOfValue(value));
            }
            else
            {
                output.Append(name, value);
            }
        }

        return output;
    }

    private RawBsonValue ExclusionOfValue(RawBsonValue value)
    {
        switch (value.Type)
        {
            case BsonTypeCode.Document:
                return ApplyExclusion(value.AsDocument).ToValue();
            case BsonTypeCode.Array:
                {
                    var items = new List<RawBsonValue>();
                    foreach (var element in value.AsDocument)
                    {
                        items.Add(ExclusionOfValue(element.Value));
                    }

                    return BsonValues.Array(items);
                }

            default:
                return value;
        }
    }

    /// <summary>Sets computed fields on <paramref name="output"/>; <paramref name="input"/> is the matching input level.</summary>
    public void ApplyExpressions(DocumentNode output, RawBsonValue input, in EvaluationContext context)
    {
        foreach (var name in _additionOrder)
        {
            if (_expressions.TryGetValue(name, out var expression))
            {
                var value = expression.Evaluate(context);
                if (value.IsMissing())
                {
                    output.Remove(name);
                }
                else
                {
                    output.Set(name, value);
                }
            }
            else if (_elemMatches.TryGetValue(name, out var test))
            {
                var matched = false;
                if (input.Type == BsonTypeCode.Document && input.AsDocument.TryGetValue(name, out var array) && array.Type == BsonTypeCode.Array)
                {
                    foreach (var element in array.AsDocument)
                    {
                        if (test(element.Value))
                        {
                            output.Set(name, BsonValues.Array([element.Value]));
                            matched = true;
                            break;
                        }
                    }
                }

                if (!matched)
                {
                    output.Remove(name);
                }
            }
            else if (_children.TryGetValue(name, out var child))
            {
                var existing = output.TryGet(name, out var current) ? current.ToRaw() : BsonValues.Missing;
                var childInput = input.Type == BsonTypeCode.Document && input.AsDocument.TryGetValue(name, out var v) ? v : BsonValues.Missing;
                output.Set(name, child.ExpressionsOnValue(existing, childInput, context));
            }
        }
    }

    private RawBsonValue ExpressionsOnValue(RawBsonValue existing, RawBsonValue input, in EvaluationContext context)
    {
        switch (existing.Type)
        {
            case BsonTypeCode.Document:
                {
                    var node = DocumentNode.FromRaw(existing);
                    ApplyExpressions(node, input, context);
                    return node.ToValue();
                }

            case BsonTypeCode.Array:
                {
                    var items = new List<RawBsonValue>();
                    foreach (var element in existing.AsDocument)
                    {
                        items.Add(ExpressionsOnValue(element.Value, BsonValues.Missing, context));
                    }

                    return BsonValues.Array(items);
                }

            default:
                {
                    var node = DocumentNode.Create();
                    ApplyExpressions(node, BsonValues.Missing, context);
                    return node.ToValue();
                }
        }
    }

    private readonly record struct Leaf(LeafKind Kind, int Skip, int Limit)
    {
        public RawBsonValue ApplySlice(RawBsonValue value)
        {
            if (value.Type != BsonTypeCode.Array)
            {
                return value;
            }

            var items = value.AsDocument.Values();
            int start, count;
            if (Skip == int.MinValue)
            {
                // A positive count keeps the first elements, a negative one the last.
                count = (int)Math.Min(Math.Abs((long)Limit), items.Count);
                start = Limit >= 0 ? 0 : items.Count - count;
            }
            else
            {
                start = Skip >= 0 ? Math.Min(Skip, items.Count) : Math.Max(items.Count + Skip, 0);
                count = Math.Min(Limit, items.Count - start);
            }

            return BsonValues.Array(items.GetRange(start, count));
        }
    }
}
