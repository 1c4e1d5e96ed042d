using System.Buffers.Binary;

namespace MongoMigrate.Bson;

/// <summary>
/// MongoDB's comparison order for BSON values: first by type bracket (MinKey, null, numbers, strings,
/// objects, arrays, binData, ObjectId, bool, date, timestamp, regex, DBPointer, code, code with scope,
/// MaxKey), then by value within the bracket. Numbers compare by value across int, long, double and decimal.
/// </summary>
public sealed class BsonOrder : IComparer<RawBsonValue>, IEqualityComparer<RawBsonValue>
{
    /// <summary>The one instance; the order has no state.</summary>
    public static BsonOrder Instance { get; } = new();

    /// <summary>The rank of a type's bracket; values in different brackets never compare equal.</summary>
    public static int CanonicalType(BsonTypeCode type) => type switch
    {
        BsonTypeCode.MinKey => -1,
        BsonTypeCode.EndOfDocument or BsonTypeCode.Undefined => 0,
        BsonTypeCode.Null => 5,
        BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Double or BsonTypeCode.Decimal128 => 10,
        BsonTypeCode.String or BsonTypeCode.Symbol => 15,
        BsonTypeCode.Document => 20,
        BsonTypeCode.Array => 25,
        BsonTypeCode.Binary => 30,
        BsonTypeCode.ObjectId => 35,
        BsonTypeCode.Boolean => 40,
        BsonTypeCode.DateTime => 45,
        BsonTypeCode.Timestamp => 47,
        BsonTypeCode.RegularExpression => 50,
        BsonTypeCode.DbPointer => 55,
        BsonTypeCode.JavaScript => 60,
        BsonTypeCode.JavaScriptWithScope => 65,
        BsonTypeCode.MaxKey => 127,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a BSON type"),
    };

    public int Compare(RawBsonValue x, RawBsonValue y) => CompareValues(x, y);

    public bool Equals(RawBsonValue x, RawBsonValue y) => CompareValues(x, y) == 0;

    public int GetHashCode(RawBsonValue obj) => Hash(obj);

    /// <summary>Compares two values in MongoDB's order.</summary>
    public static int CompareValues(RawBsonValue left, RawBsonValue right)
    {
        var lc = CanonicalType(left.Type);
        var rc = CanonicalType(right.Type);
        if (lc != rc)
        {
            return lc < rc ? -1 : 1;
        }

        var l = left.Span;
        var r = right.Span;
        switch (left.Type)
        {
            case BsonTypeCode.MinKey:
            case BsonTypeCode.MaxKey:
            case BsonTypeCode.Null:
            case BsonTypeCode.Undefined:
                return 0;
            case BsonTypeCode.Int32:
            case BsonTypeCode.Int64:
            case BsonTypeCode.Double:
            case BsonTypeCode.Decimal128:
                return NumberValue.Compare(NumberValue.From(left), NumberValue.From(right));
            case BsonTypeCode.String:
            case BsonTypeCode.Symbol:
            case BsonTypeCode.JavaScript:
                return Sign(left.AsUtf8String.SequenceCompareTo(right.AsUtf8String));
            case BsonTypeCode.Document:
            case BsonTypeCode.Array:
                return CompareDocuments(new RawDocument(left.Bytes), new RawDocument(right.Bytes));
            case BsonTypeCode.Binary:
                {
                    // Length first, then subtype and bytes together.
                    var ll = BinaryPrimitives.ReadInt32LittleEndian(l);
                    var rl = BinaryPrimitives.ReadInt32LittleEndian(r);
                    return ll != rl ? (ll < rl ? -1 : 1) : Sign(l[4..].SequenceCompareTo(r[4..]));
                }

            case BsonTypeCode.ObjectId:
                return Sign(l[..12].SequenceCompareTo(r[..12]));
            case BsonTypeCode.Boolean:
                return l[0].CompareTo(r[0]) switch { < 0 => -1, > 0 => 1, _ => 0 };
            case BsonTypeCode.DateTime:
                return BinaryPrimitives.ReadInt64LittleEndian(l).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(r));
            case BsonTypeCode.Timestamp:
                return BinaryPrimitives.ReadUInt64LittleEndian(l).CompareTo(BinaryPrimitives.ReadUInt64LittleEndian(r));
            case BsonTypeCode.RegularExpression:
                {
                    var lp = l.IndexOf((byte)0);
                    var rp = r.IndexOf((byte)0);
                    var c = l[..lp].SequenceCompareTo(r[..rp]);
                    return c != 0 ? Sign(c) : Sign(l[(lp + 1)..].SequenceCompareTo(r[(rp + 1)..]));
                }

            case BsonTypeCode.DbPointer:
                return l.Length != r.Length ? (l.Length < r.Length ? -1 : 1) : Sign(l.SequenceCompareTo(r));
            case BsonTypeCode.JavaScriptWithScope:
                {
                    var c = left.AsUtf8String.SequenceCompareTo(right.AsUtf8String);
                    return c != 0 ? Sign(c) : CompareDocuments(left.JavaScriptScope, right.JavaScriptScope);
                }

            default:
                return Sign(l.SequenceCompareTo(r));
        }
    }

    /// <summary>Element by element: type bracket, then field name, then value; a prefix sorts first.</summary>
    public static int CompareDocuments(RawDocument left, RawDocument right)
    {
        var le = left.GetEnumerator();
        var re = right.GetEnumerator();
        while (true)
        {
            var hasLeft = le.MoveNext();
            var hasRight = re.MoveNext();
            if (!hasLeft)
            {
                return hasRight ? -1 : 0;
            }

            if (!hasRight)
            {
                return 1;
            }

            var l = le.Current;
            var r = re.Current;
            var lc = CanonicalType(l.Type);
            var rc = CanonicalType(r.Type);
            if (lc != rc)
            {
                return lc < rc ? -1 : 1;
            }

            var names = l.Utf8Name.Span.SequenceCompareTo(r.Utf8Name.Span);
            if (names != 0)
            {
                return Sign(names);
            }

            var values = CompareValues(l.Value, r.Value);
            if (values != 0)
            {
                return values;
            }
        }
    }

    /// <summary>A hash that agrees with <see cref="CompareValues"/>: values that compare equal hash equal.</summary>
    public static int Hash(RawBsonValue value)
    {
        var hash = default(HashCode);
        hash.Add(CanonicalType(value.Type));
        switch (value.Type)
        {
            case BsonTypeCode.MinKey:
            case BsonTypeCode.MaxKey:
            case BsonTypeCode.Null:
            case BsonTypeCode.Undefined:
                break;
            case BsonTypeCode.Int32:
            case BsonTypeCode.Int64:
            case BsonTypeCode.Double:
            case BsonTypeCode.Decimal128:
                {
                    // Equal numbers round to the same double, so hashing the double agrees with the order.
                    var d = NumberValue.From(value).ToDouble();
                    hash.Add(double.IsNaN(d) ? double.NaN : d == 0 ? 0.0 : d);
                    break;
                }

            case BsonTypeCode.String:
            case BsonTypeCode.Symbol:
            case BsonTypeCode.JavaScript:
                hash.AddBytes(value.AsUtf8String);
                break;
            case BsonTypeCode.Document:
            case BsonTypeCode.Array:
                foreach (var element in new RawDocument(value.Bytes))
                {
                    hash.AddBytes(element.Utf8Name.Span);
                    hash.Add(Hash(element.Value));
                }

                break;
            case BsonTypeCode.JavaScriptWithScope:
                hash.AddBytes(value.AsUtf8String);
                hash.Add(Hash(value.JavaScriptScope.AsValue()));
                break;
            default:
                hash.AddBytes(value.Span);
                break;
        }

        return hash.ToHashCode();
    }

    private static int Sign(int value) => value < 0 ? -1 : value > 0 ? 1 : 0;
}
