using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>
/// A mutable document or array that keeps every value it was not asked to change as its original raw
/// bytes. Subdocuments are expanded only when an update descends into them, and a node that was expanded
/// but not changed writes its original bytes back, so untouched data survives byte for byte.
/// </summary>
public sealed class DocumentNode
{
    private readonly List<string> _names;
    private readonly List<NodeValue> _values;
    private readonly RawBsonValue _original;
    private bool _changed;

    private DocumentNode(bool isArray, RawBsonValue original, int capacity)
    {
        IsArray = isArray;
        _original = original;
        _names = new List<string>(capacity);
        _values = new List<NodeValue>(capacity);
    }

    public bool IsArray { get; }

    public int Count => _values.Count;

    /// <summary>An empty, new document or array.</summary>
    public static DocumentNode Create(bool isArray = false) => new(isArray, default, 4) { _changed = true };

    /// <summary>Wraps a raw document or array; nothing below the top level is decoded.</summary>
    public static DocumentNode FromRaw(RawBsonValue value)
    {
        var node = new DocumentNode(value.Type == BsonTypeCode.Array, value, 8);
        foreach (var element in value.AsDocument)
        {
            node._names.Add(node.IsArray ? string.Empty : element.Name);
            node._values.Add(new NodeValue(element.Value));
        }

        return node;
    }

    public static DocumentNode FromRaw(RawDocument document) => FromRaw(document.AsValue());

    public string NameAt(int index) => IsArray ? BsonBuilder.Index(index) : _names[index];

    public NodeValue ValueAt(int index) => _values[index];

    public int IndexOf(string name)
    {
        if (IsArray)
        {
            return TryParseIndex(name, out var i) && i < _values.Count ? i : -1;
        }

        for (var i = 0; i < _names.Count; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public bool TryGet(string name, out NodeValue value)
    {
        var i = IndexOf(name);
        value = i >= 0 ? _values[i] : default;
        return i >= 0;
    }

    /// <summary>The child node at an index, expanding a raw document or array in place; null for other values.</summary>
    public DocumentNode? ChildNodeAt(int index)
    {
        var value = _values[index];
        if (value.Node is not null)
        {
            return value.Node;
        }

        if (!value.Raw.IsDocumentOrArray)
        {
            return null;
        }

        var child = FromRaw(value.Raw);
        _values[index] = new NodeValue(child);
        return child;
    }

    /// <summary>Replaces the value at an index; an identical raw value is left alone so nothing changes.</summary>
    public void SetAt(int index, NodeValue value)
    {
        var current = _values[index];
        if (current.Node is null && value.Node is null && BsonValues.BinaryEquals(current.Raw, value.Raw))
        {
            return;
        }

        _values[index] = value;
        _changed = true;
    }

    /// <summary>Sets a field, in place when it exists, else appended.</summary>
    public void Set(string name, NodeValue value)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            SetAt(i, value);
        }
        else
        {
            Append(name, value);
        }
    }

    public void Append(string name, NodeValue value)
    {
        _names.Add(IsArray ? string.Empty : name);
        _values.Add(value);
        _changed = true;
    }

    public void Insert(int index, string name, NodeValue value)
    {
        _names.Insert(index, IsArray ? string.Empty : name);
        _values.Insert(index, value);
        _changed = true;
    }

    public void RemoveAt(int index)
    {
        _names.RemoveAt(index);
        _values.RemoveAt(index);
        _changed = true;
    }

    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }

        RemoveAt(i);
        return true;
    }

    public void Clear()
    {
        if (_values.Count > 0)
        {
            _names.Clear();
            _values.Clear();
            _changed = true;
        }
    }

    /// <summary>Sets array element <paramref name="index"/>, padding with nulls when the array is shorter.</summary>
    public void SetArrayElement(int index, NodeValue value)
    {
        while (_values.Count < index)
        {
            Append(string.Empty, new NodeValue(BsonValues.Null));
        }

        if (index < _values.Count)
        {
            SetAt(index, value);
        }
        else
        {
            Append(string.Empty, value);
        }
    }

    /// <summary>Whether this node or anything below it differs from the bytes it was read from.</summary>
    public bool IsChanged
    {
        get
        {
            if (_changed || _original.Type == BsonTypeCode.EndOfDocument)
            {
                return true;
            }

            foreach (var value in _values)
            {
                if (value.Node is { IsChanged: true })
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Writes the fields into a document or array the builder has open.</summary>
    public void WriteFields(BsonBuilder builder)
    {
        for (var i = 0; i < _values.Count; i++)
        {
            _values[i].WriteTo(builder, NameAt(i));
        }
    }

    public RawDocument ToDocument()
    {
        if (!IsChanged)
        {
            return _original.AsDocument;
        }

        var builder = new BsonBuilder();
        builder.StartDocument();
        WriteFields(builder);
        builder.End();
        return builder.ToDocument();
    }

    public RawBsonValue ToValue()
    {
        if (!IsChanged)
        {
            return _original;
        }

        return ToDocument().AsValue(IsArray);
    }

    internal void WriteTo(BsonBuilder builder, string name)
    {
        if (!IsChanged)
        {
            builder.Value(name, _original);
            return;
        }

        if (IsArray)
        {
            builder.StartArray(name);
        }
        else
        {
            builder.StartDocument(name);
        }

        WriteFields(builder);
        builder.End();
    }

    /// <summary>Array indexes are plain decimal digits, as the server accepts them in paths.</summary>
    public static bool TryParseIndex(string name, out int index)
    {
        index = 0;
        if (name.Length == 0 || name.Length > 9)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            index = (index * 10) + (c - '0');
        }

        return true;
    }

    public override string ToString() => BsonDebugText.Format(ToValue());
}
