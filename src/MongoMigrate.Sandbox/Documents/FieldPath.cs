using System.Text;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>
/// A dotted field path ("a.b.0.c") and the ways MongoDB resolves one against a document: as the candidate
/// values a filter tests, as the values an index or sort key is built from, and as the single value an
/// aggregation field path ("$a.b") evaluates to. Each use traverses arrays differently, as the server does.
/// </summary>
public sealed class FieldPath
{
    private readonly byte[][] _utf8Parts;
    private readonly bool[] _isDigits;

    private FieldPath(string dotted, string[] parts)
    {
        Dotted = dotted;
        Parts = parts;
        _utf8Parts = new byte[parts.Length][];
        _isDigits = new bool[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            _utf8Parts[i] = Encoding.UTF8.GetBytes(parts[i]);
            _isDigits[i] = parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit);
        }
    }

    public string Dotted { get; }

    public IReadOnlyList<string> Parts { get; }

    public int Length => _utf8Parts.Length;

    public static FieldPath Parse(string dotted) => new(dotted, dotted.Split('.'));

    /// <summary>True when a component is all digits, so it may index an array.</summary>
    public bool IsArrayIndexAt(int index) => _isDigits[index];

    /// <summary>
    /// Offers each value a filter should test to <paramref name="predicate"/> and stops at the first it accepts.
    /// Arrays met before the end of the path are traversed into their subdocuments (and indexed by a numeric
    /// component); an array at the end offers its elements and then itself, unless the predicate asks for
    /// the array alone. A path that leads nowhere offers a missing value, which null equality accepts.
    /// </summary>
    public bool AnyCandidate(RawDocument document, ValuePredicate predicate) => Walk(document, 0, predicate);

    /// <summary>All candidate values in the order they are offered (for tests and diagnostics).</summary>
    public List<RawBsonValue> Candidates(RawDocument document, bool traverseLeafArrays = true)
    {
        var collector = new CollectingPredicate(traverseLeafArrays);
        AnyCandidate(document, collector);
        return collector.Values;
    }

    private bool Walk(RawDocument document, int start, ValuePredicate predicate)
    {
        var current = document;
        var i = start;
        RawBsonValue value;
        while (true)
        {
            if (!current.TryGetValue(_utf8Parts[i], out value))
            {
                return predicate.Matches(BsonValues.Missing);
            }

            if (i == _utf8Parts.Length - 1 || value.Type == BsonTypeCode.Array)
            {
                break;
            }

            if (value.Type != BsonTypeCode.Document)
            {
                return predicate.Matches(BsonValues.Missing);
            }

            current = value.AsDocument;
            i++;
        }

        if (value.Type != BsonTypeCode.Array)
        {
            return predicate.Matches(value);
        }

        return WalkArray(value, i, predicate);
    }

    // 'array' is the value at component 'i'.
    private bool WalkArray(RawBsonValue array, int i, ValuePredicate predicate)
    {
        var last = _utf8Parts.Length - 1;
        if (i == last)
        {
            if (!predicate.TraverseLeafArrays)
            {
                return predicate.Matches(array);
            }

            foreach (var element in array.AsDocument)
            {
                if (predicate.Matches(element.Value))
                {
                    return true;
                }
            }

            return predicate.Matches(array);
        }

        var next = i + 1;
        var nextIsIndex = _isDigits[next];
        foreach (var element in array.AsDocument)
        {
            var item = element.Value;
            var isOffset = nextIsIndex && element.NameEquals(_utf8Parts[next]);
            if (item.Type == BsonTypeCode.Document)
            {
                if (Walk(item.AsDocument, next, predicate))
                {
                    return true;
                }

                if (isOffset)
                {
                    if (next == last ? predicate.Matches(item) : Walk(item.AsDocument, next + 1, predicate))
                    {
                        return true;
                    }
                }
            }
            else if (isOffset)
            {
                if (next == last)
                {
                    if (predicate.Matches(item))
                    {
                        return true;
                    }
                }
                else if (item.Type == BsonTypeCode.Array && WalkNestedArray(item, next + 1, predicate))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // An array reached through an index component: its elements are searched with the rest of the path.
    private bool WalkNestedArray(RawBsonValue array, int restStart, ValuePredicate predicate)
    {
        // Treat the nested array as if it sat at component restStart - 1.
        return WalkArray(array, restStart - 1, predicate);
    }

    /// <summary>
    /// The values an index key or sort key takes from this path: arrays contribute their elements (one key
    /// each), an empty array at the end contributes undefined, and a path that finds nothing contributes null.
    /// <paramref name="expandedArray"/> reports whether an array was expanded (the key is multikey).
    /// </summary>
    public void CollectKeyValues(RawDocument document, List<RawBsonValue> output, out bool expandedArray)
    {
        var start = output.Count;
        expandedArray = false;
        CollectKeys(document.AsValue(), 0, output, ref expandedArray, emptyArrayAsUndefined: true);
        if (output.Count == start)
        {
            output.Add(BsonValues.Null);
        }
    }

    /// <summary>
    /// The values the distinct command reports for this path: like index keys, arrays contribute their
    /// elements, but a missing field or an empty array contributes nothing. The caller removes duplicates.
    /// </summary>
    public void CollectDistinctValues(RawDocument document, List<RawBsonValue> output)
    {
        var expanded = false;
        CollectKeys(document.AsValue(), 0, output, ref expanded, emptyArrayAsUndefined: false);
    }

    private void CollectKeys(RawBsonValue container, int i, List<RawBsonValue> output, ref bool expandedArray, bool emptyArrayAsUndefined)
    {
        if (!container.AsDocument.TryGetValue(_utf8Parts[i], out var value))
        {
            return;
        }

        var last = i == _utf8Parts.Length - 1;
        if (last)
        {
            if (value.Type == BsonTypeCode.Array)
            {
                expandedArray = true;
                var any = false;
                foreach (var element in value.AsDocument)
                {
                    output.Add(element.Value);
                    any = true;
                }

                if (!any && emptyArrayAsUndefined)
                {
                    output.Add(BsonValues.Undefined);
                }
            }
            else
            {
                output.Add(value);
            }

            return;
        }

        if (value.Type == BsonTypeCode.Document)
        {
            CollectKeys(value, i + 1, output, ref expandedArray, emptyArrayAsUndefined);
            return;
        }

        if (value.Type != BsonTypeCode.Array)
        {
            return;
        }

        if (_isDigits[i + 1] && value.AsDocument.TryGetValue(_utf8Parts[i + 1], out var positional))
        {
            // A numeric component indexes the array instead of expanding it.
            if (i + 1 == _utf8Parts.Length - 1)
            {
                output.Add(positional);
            }
            else if (positional.IsDocumentOrArray)
            {
                CollectKeys(positional, i + 2, output, ref expandedArray, emptyArrayAsUndefined);
            }

            return;
        }

        expandedArray = true;
        foreach (var element in value.AsDocument)
        {
            if (element.Value.Type == BsonTypeCode.Document)
            {
                CollectKeys(element.Value, i + 1, output, ref expandedArray, emptyArrayAsUndefined);
            }
        }
    }

    /// <summary>
    /// The value of an aggregation field path: documents are descended, an array maps the rest of the path
    /// over its subdocuments (dropping those where it is missing), and numeric components are field names.
    /// </summary>
    public RawBsonValue Evaluate(RawBsonValue root) => EvaluateFrom(root, 0);

    public RawBsonValue Evaluate(RawDocument root) => EvaluateFrom(root.AsValue(), 0);

    /// <summary>Evaluates the components from <paramref name="start"/> on (used for "$$ROOT.a").</summary>
    public RawBsonValue EvaluateFrom(RawBsonValue root, int start)
    {
        var value = root;
        for (var i = start; i < _utf8Parts.Length; i++)
        {
            switch (value.Type)
            {
                case BsonTypeCode.Document:
                    if (!value.AsDocument.TryGetValue(_utf8Parts[i], out value))
                    {
                        return BsonValues.Missing;
                    }

                    break;
                case BsonTypeCode.Array when i > start:
                    return EvaluateArray(value, i);
                default:
                    return BsonValues.Missing;
            }
        }

        return value;
    }

    private RawBsonValue EvaluateArray(RawBsonValue array, int i)
    {
        var results = new List<RawBsonValue>();
        foreach (var element in array.AsDocument)
        {
            if (element.Value.Type != BsonTypeCode.Document)
            {
                continue;
            }

            var nested = EvaluateFrom(element.Value, i);
            if (!nested.IsMissing())
            {
                results.Add(nested);
            }
        }

        return BsonValues.Array(results);
    }

    public override string ToString() => Dotted;

    private sealed class CollectingPredicate(bool traverseLeafArrays) : ValuePredicate
    {
        public List<RawBsonValue> Values { get; } = [];

        public override bool TraverseLeafArrays => traverseLeafArrays;

        public override bool Matches(RawBsonValue value)
        {
            Values.Add(value);
            return false;
        }
    }
}
