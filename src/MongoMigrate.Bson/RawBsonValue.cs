using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;

namespace MongoMigrate.Bson;

/// <summary>A BSON value kept as its type code and its exact bytes (without an element name).</summary>
public readonly struct RawBsonValue : IEquatable<RawBsonValue>
{
    public RawBsonValue(BsonTypeCode type, ReadOnlyMemory<byte> bytes)
    {
        Type = type;
        Bytes = bytes;
    }

    public BsonTypeCode Type { get; }

    /// <summary>The value's bytes as they appear after the element name.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public ReadOnlySpan<byte> Span => Bytes.Span;

    public bool IsNumeric => Type is BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Double or BsonTypeCode.Decimal128;

    public bool IsNullOrUndefined => Type is BsonTypeCode.Null or BsonTypeCode.Undefined;

    public bool IsDocumentOrArray => Type is BsonTypeCode.Document or BsonTypeCode.Array;

    public double AsDouble => BinaryPrimitives.ReadDoubleLittleEndian(Expect(BsonTypeCode.Double));

    public int AsInt32 => BinaryPrimitives.ReadInt32LittleEndian(Expect(BsonTypeCode.Int32));

    public long AsInt64 => BinaryPrimitives.ReadInt64LittleEndian(Expect(BsonTypeCode.Int64));

    public bool AsBoolean => Expect(BsonTypeCode.Boolean)[0] != 0;

    /// <summary>Milliseconds since the Unix epoch, unclamped.</summary>
    public long AsDateTimeMilliseconds => BinaryPrimitives.ReadInt64LittleEndian(Expect(BsonTypeCode.DateTime));

    /// <summary>The timestamp as one unsigned 64-bit number: seconds in the high half, increment in the low half.</summary>
    public ulong AsTimestamp => BinaryPrimitives.ReadUInt64LittleEndian(Expect(BsonTypeCode.Timestamp));

    public ObjectId AsObjectId => new(Expect(BsonTypeCode.ObjectId)[..12].ToArray());

    public Decimal128 AsDecimal128
    {
        get
        {
            var span = Expect(BsonTypeCode.Decimal128);
            var low = BinaryPrimitives.ReadUInt64LittleEndian(span);
            var high = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
            return Decimal128.FromIEEEBits(high, low);
        }
    }

    /// <summary>The UTF-8 bytes of a string, symbol or JavaScript value, without the terminating NUL.</summary>
    public ReadOnlySpan<byte> AsUtf8String
    {
        get
        {
            if (Type is not (BsonTypeCode.String or BsonTypeCode.Symbol or BsonTypeCode.JavaScript or BsonTypeCode.JavaScriptWithScope))
            {
                throw new InvalidOperationException($"A {Type} value is not a string.");
            }

            var span = Type == BsonTypeCode.JavaScriptWithScope ? Span[4..] : Span;
            var length = BinaryPrimitives.ReadInt32LittleEndian(span);
            return span.Slice(4, length - 1);
        }
    }

    public string AsString => Encoding.UTF8.GetString(AsUtf8String);

    public RawDocument AsDocument
    {
        get
        {
            if (!IsDocumentOrArray)
            {
                throw new InvalidOperationException($"A {Type} value is not a document or an array.");
            }

            return new RawDocument(Bytes);
        }
    }

    /// <summary>Binary subtype.</summary>
    public byte BinarySubType => Expect(BsonTypeCode.Binary)[4];

    /// <summary>Binary payload as stored (for subtype 2 it still includes the inner length prefix).</summary>
    public ReadOnlyMemory<byte> BinaryData => Bytes.Slice(5, BinaryPrimitives.ReadInt32LittleEndian(Expect(BsonTypeCode.Binary)));

    public string RegexPattern
    {
        get
        {
            var span = Expect(BsonTypeCode.RegularExpression);
            return Encoding.UTF8.GetString(span[..span.IndexOf((byte)0)]);
        }
    }

    public string RegexOptions
    {
        get
        {
            var span = Expect(BsonTypeCode.RegularExpression);
            var rest = span[(span.IndexOf((byte)0) + 1)..];
            return Encoding.UTF8.GetString(rest[..rest.IndexOf((byte)0)]);
        }
    }

    /// <summary>The scope document of a JavaScript-with-scope value.</summary>
    public RawDocument JavaScriptScope
    {
        get
        {
            var span = Expect(BsonTypeCode.JavaScriptWithScope);
            var codeLength = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
            return new RawDocument(Bytes[(8 + codeLength)..]);
        }
    }

    /// <summary>Reads an Int32, Int64 or integral Double as a long; false for anything else.</summary>
    public bool TryGetInt64(out long value)
    {
        switch (Type)
        {
            case BsonTypeCode.Int32:
                value = AsInt32;
                return true;
            case BsonTypeCode.Int64:
                value = AsInt64;
                return true;
            case BsonTypeCode.Double:
                var d = AsDouble;
                if (Math.Floor(d) == d && d >= long.MinValue && d < 9223372036854775808.0)
                {
                    value = (long)d;
                    return true;
                }

                break;
            case BsonTypeCode.Decimal128:
                var dec = AsDecimal128;
                if (!Decimal128.IsNaN(dec) && !Decimal128.IsInfinity(dec))
                {
                    try
                    {
                        var m = Decimal128.ToDecimal(dec);
                        if (decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue)
                        {
                            value = (long)m;
                            return true;
                        }
                    }
                    catch (OverflowException)
                    {
                    }
                }

                break;
        }

        value = 0;
        return false;
    }

    /// <summary>Any numeric value as a double (approximate for large longs and decimals).</summary>
    public double ToDouble() => Type switch
    {
        BsonTypeCode.Int32 => AsInt32,
        BsonTypeCode.Int64 => AsInt64,
        BsonTypeCode.Double => AsDouble,
        BsonTypeCode.Decimal128 => Decimal128.ToDouble(AsDecimal128),
        _ => throw new InvalidOperationException($"A {Type} value is not a number."),
    };

    /// <summary>Truthiness as the aggregation language defines it.</summary>
    public bool IsTruthy => Type switch
    {
        BsonTypeCode.Boolean => AsBoolean,
        BsonTypeCode.Null or BsonTypeCode.Undefined => false,
        BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Double or BsonTypeCode.Decimal128 => NumberValue.From(this).Sign != 0,
        _ => true,
    };

    public bool Equals(RawBsonValue other) => Type == other.Type && Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is RawBsonValue other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Type);
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(RawBsonValue left, RawBsonValue right) => left.Equals(right);

    public static bool operator !=(RawBsonValue left, RawBsonValue right) => !left.Equals(right);

    public override string ToString() => BsonDebugText.Format(this);

    private ReadOnlySpan<byte> Expect(BsonTypeCode type)
    {
        if (Type != type)
        {
            throw new InvalidOperationException($"Expected a {type} value but found {Type}.");
        }

        return Span;
    }
}
