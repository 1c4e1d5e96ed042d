using MongoDB.Bson;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>
/// A running $sum/$avg: stays int32 while the total fits, widens to int64, then double; any decimal makes it
/// decimal. Non-numbers are ignored, as the server's accumulators ignore them.
/// </summary>
internal struct NumericSum
{
    private long _long;
    private double _double;
    private double _compensation;
    private decimal _decimal;
    private bool _sawLong;
    private bool _sawDouble;
    private bool _sawDecimal;
    private bool _longOverflowed;

    public int Count { get; private set; }

    public void Add(RawBsonValue value)
    {
        switch (value.Type)
        {
            case BsonTypeCode.Int32:
                AddInteger(value.AsInt32);
                break;
            case BsonTypeCode.Int64:
                _sawLong = true;
                AddInteger(value.AsInt64);
                break;
            case BsonTypeCode.Double:
                _sawDouble = true;
                AddDouble(value.AsDouble);
                break;
            case BsonTypeCode.Decimal128:
                _sawDecimal = true;
                try
                {
                    _decimal += Decimal128.ToDecimal(value.AsDecimal128);
                }
                catch (OverflowException)
                {
                    AddDouble(Decimal128.ToDouble(value.AsDecimal128));
                }

                break;
            default:
                return;
        }

        Count++;
    }

    private void AddInteger(long value)
    {
        if (!_longOverflowed)
        {
            var sum = _long + value;
            if (((_long ^ sum) & (value ^ sum)) < 0)
            {
                _longOverflowed = true;
                AddDouble(_long);
                AddDouble(value);
                _long = 0;
                return;
            }

            _long = sum;
        }
        else
        {
            AddDouble(value);
        }
    }

    // Kahan summation keeps long runs of doubles close to the server's compensated sum.
    private void AddDouble(double value)
    {
        var y = value - _compensation;
        var t = _double + y;
        _compensation = t - _double - y;
        _double = t;
    }

    private readonly double DoubleTotal => _double + _long;

    /// <summary>The $sum result: 0 (int32) when nothing numeric was seen.</summary>
    public readonly RawBsonValue Result()
    {
        if (_sawDecimal)
        {
            return BsonValues.Decimal128(new Decimal128(_decimal + _long + (decimal)SafeDouble(_double)));
        }

        if (_sawDouble || _longOverflowed)
        {
            return BsonValues.Double(DoubleTotal);
        }

        return _sawLong ? BsonValues.Int64(_long) : BsonValues.Integer(_long);
    }

    /// <summary>The $avg result: a double (decimal if any decimal was seen), null when nothing numeric was seen.</summary>
    public readonly RawBsonValue Average()
    {
        if (Count == 0)
        {
            return BsonValues.Null;
        }

        if (_sawDecimal)
        {
            return BsonValues.Decimal128(new Decimal128((_decimal + _long + (decimal)SafeDouble(_double)) / Count));
        }

        return BsonValues.Double(DoubleTotal / Count);
    }

    private static double SafeDouble(double d) => double.IsFinite(d) && Math.Abs(d) < 7.9e28 ? d : 0;
}
