using System.Globalization;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>
/// An interior node: the updates below one path component, applied in the server's field order. Missing
/// intermediate documents are created only when a modifier below actually writes something.
/// </summary>
internal sealed class ObjectUpdateNode : UpdateNode
{
    private bool _hasPositional;
    private bool _hasArrayFilters;
    private bool _hasFields;

    public SortedDictionary<string, UpdateNode> Children { get; } = new(UpdateFieldOrder.Instance);

    public override void Apply(DocumentNode container, string name, string path, ApplyState state)
    {
        var index = container.IndexOf(name);
        if (index < 0)
        {
            ApplyToMissing(container, name, path, state);
            return;
        }

        var node = container.ChildNodeAt(index);
        if (node is null)
        {
            var value = container.ValueAt(index).Raw;
            if (_hasArrayFilters)
            {
                throw new CommandException(ServerErrorCode.BadValue, $"Cannot apply array updates to non-array element {BsonValues.Describe(name, value)}");
            }

            CheckPositional(null, state);
            var pending = DocumentNode.Create();
            ApplyChildren(pending, name, path, state);
            if (pending.Count > 0)
            {
                throw new CommandException(ServerErrorCode.PathNotViable, $"Cannot create field '{pending.NameAt(0)}' in element {BsonValues.DescribeField(name, value)}");
            }

            return;
        }

        ApplyChildren(node, name, path, state);
    }

    private void ApplyToMissing(DocumentNode container, string name, string path, ApplyState state)
    {
        if (_hasArrayFilters)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"The path '{path}' must exist in the document in order to apply array updates.");
        }

        CheckPositional(null, state);
        var pending = DocumentNode.Create();
        ApplyChildren(pending, name, path, state);
        if (pending.Count == 0)
        {
            return;
        }

        if (container.IsArray)
        {
            container.SetArrayElement(int.Parse(name, CultureInfo.InvariantCulture), new NodeValue(pending));
        }
        else
        {
            container.Append(name, new NodeValue(pending));
        }
    }

    /// <summary>Applies the children to the node holding this path's value.</summary>
    public void ApplyChildren(DocumentNode node, string name, string path, ApplyState state)
    {
        foreach (var (key, child) in Children)
        {
            if (key == "$")
            {
                var index = CheckPositional(node, state);
                var indexName = index.ToString(CultureInfo.InvariantCulture);
                child.Apply(node, indexName, Join(path, indexName), state);
            }
            else if (UpdatePath.IsArrayFilter(key, out var identifier))
            {
                if (!node.IsArray)
                {
                    throw new CommandException(ServerErrorCode.BadValue, $"Cannot apply array updates to non-array element {BsonValues.Describe(name, node.ToValue())}");
                }

                var filter = identifier.Length == 0 ? null : state.ArrayFilters[identifier];
                for (var i = 0; i < node.Count; i++)
                {
                    if (filter is null || filter.Matches(node.ValueAt(i).ToRaw()))
                    {
                        var indexName = i.ToString(CultureInfo.InvariantCulture);
                        child.Apply(node, indexName, Join(path, indexName), state);
                    }
                }
            }
            else if (node.IsArray && !DocumentNode.TryParseIndex(key, out _))
            {
                // A field name inside an array: nothing may be created there, but $unset and friends are no-ops.
                var pending = DocumentNode.Create();
                child.Apply(pending, key, Join(path, key), state);
                if (pending.Count > 0)
                {
                    throw new CommandException(ServerErrorCode.PathNotViable, $"Cannot create field '{key}' in element {BsonValues.DescribeField(name, node.ToValue())}");
                }
            }
            else
            {
                child.Apply(node, key, Join(path, key), state);
            }
        }
    }

    private int CheckPositional(DocumentNode? node, ApplyState state)
    {
        if (!_hasPositional)
        {
            return -1;
        }

        if (node is null || !node.IsArray || state.Context.PositionalIndex is not { } index || index < 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "The positional operator did not find the match needed from the query.");
        }

        return index;
    }

    /// <summary>Adds a modifier at a path, failing with code 40 when it overlaps another update's path.</summary>
    public void Insert(UpdatePath path, int i, UpdateNode leaf)
    {
        var key = path.Parts[i];
        if (i == path.Parts.Length - 1)
        {
            if (Children.ContainsKey(key))
            {
                throw Conflict(path, i);
            }

            Children.Add(key, leaf);
        }
        else
        {
            if (!Children.TryGetValue(key, out var existing))
            {
                existing = new ObjectUpdateNode();
                Children.Add(key, existing);
            }

            if (existing is not ObjectUpdateNode interior)
            {
                throw Conflict(path, i);
            }

            interior.Insert(path, i + 1, leaf);
        }

        if (key == "$")
        {
            _hasPositional = true;
        }
        else if (UpdatePath.IsArrayFilter(key, out _))
        {
            _hasArrayFilters = true;
        }
        else
        {
            _hasFields = true;
        }

        // An array is updated either through "$"/"$[...]" or through its indexes, never both at once.
        if ((_hasPositional || _hasArrayFilters) && _hasFields)
        {
            throw Conflict(path, i - 1);
        }
    }

    private static CommandException Conflict(UpdatePath path, int i) =>
        new(ServerErrorCode.ConflictingUpdateOperators, $"Updating the path '{path.Dotted}' would create a conflict at '{string.Join('.', path.Parts, 0, Math.Max(i, 0) + 1)}'");
}
